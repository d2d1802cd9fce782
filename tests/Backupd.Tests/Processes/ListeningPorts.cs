using System.Globalization;

namespace Backupd.Tests.Processes;

/// <summary>The TCP ports a process listens on, as Linux's /proc shows them.</summary>
public static class ListeningPorts
{
    private const string ListenState = "0A";

    /// <summary>Every port on which process <paramref name="pid"/> holds a listening TCP socket (IPv4 or IPv6).</summary>
    public static IReadOnlySet<int> Of(int pid)
    {
        // A socket shows in /proc/<pid>/fd as a link to "socket:[inode]"; /proc/net/tcp lists sockets by inode.
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var ports = new HashSet<int>();
        foreach (var table in new[] { $"/proc/{pid}/net/tcp", $"/proc/{pid}/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[3] == ListenState && inodes.Contains(fields[9]))
                {
                    ports.Add(int.Parse(fields[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return ports;
    }
}
