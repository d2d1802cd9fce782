using System.Text;

namespace Backupd.TestBed;

/// <summary>
/// The last lines a process wrote, kept in a fixed-size ring so a chatty server cannot fill
/// the test host's memory; safe to append to from the output and error reader threads at once.
/// </summary>
public sealed class OutputTail
{
    private const int MaxLineLength = 2_000;

    private readonly string[] _lines;
    private readonly Lock _lock = new();
    private long _written;

    public OutputTail(int capacity = 200)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _lines = new string[capacity];
    }

    /// <summary>Adds one line, shortened when it is absurdly long.</summary>
    public void Append(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (line.Length > MaxLineLength)
        {
            line = string.Concat(line.AsSpan(0, MaxLineLength), " …");
        }

        lock (_lock)
        {
            _lines[_written % _lines.Length] = line;
            _written++;
        }
    }

    /// <summary>The kept lines, oldest first, with a note of how many older ones were dropped.</summary>
    public override string ToString()
    {
        lock (_lock)
        {
            var kept = (int)Math.Min(_written, _lines.Length);
            var first = _written - kept;
            var text = new StringBuilder();
            if (first > 0)
            {
                text.Append("… (").Append(first).AppendLine(" earlier lines dropped)");
            }

            for (var i = first; i < _written; i++)
            {
                text.AppendLine(_lines[i % _lines.Length]);
            }

            return text.ToString();
        }
    }
}
