using System.Text;

namespace Backupd.Modules.WordPress.Dump;

/// <summary>Reads a process's stderr to its end, keeping only the last part: the error a tool dies with comes last.</summary>
internal static class StandardErrorTail
{
    private const int MaxChars = 16 * 1024;

    public static async Task<string> ReadAsync(StreamReader reader)
    {
        var tail = new StringBuilder();
        var buffer = new char[4096];
        var dropped = false;
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            tail.Append(buffer, 0, read);
            if (tail.Length > 2 * MaxChars)
            {
                tail.Remove(0, tail.Length - MaxChars);
                dropped = true;
            }
        }

        if (tail.Length > MaxChars)
        {
            tail.Remove(0, tail.Length - MaxChars);
            dropped = true;
        }

        return dropped ? "…" + tail : tail.ToString();
    }
}
