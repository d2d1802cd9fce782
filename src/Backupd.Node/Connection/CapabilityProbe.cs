using System.Reflection;
using System.Runtime.InteropServices;
using Backupd.Contracts.Nodes;
using Backupd.Node.Options;
using Microsoft.Extensions.Options;

namespace Backupd.Node.Connection;

/// <summary>Finds out what this node can do: its version, OS, modules with their tools, and free disk.</summary>
public sealed class CapabilityProbe(IOptions<NodeOptions> options)
{
    // The modules this build carries and the external tools each one runs.
    private static readonly (string Module, string[] Tools)[] Modules =
    [
        ("wordpress", ["mysqldump"]),
    ];

    /// <summary>Probes now; cheap enough to run with every heartbeat.</summary>
    public NodeCapabilities Probe()
    {
        var version = Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var modules = Modules
            .Select(m => new ModuleCapability(m.Module, [.. m.Tools.Select(t => new ToolCapability(t, FindOnPath(t)))]))
            .ToList();
        return new NodeCapabilities(version, RuntimeInformation.OSDescription, modules, FreeDiskBytes(options.Value.DataDir));
    }

    private static long FreeDiskBytes(string path)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static string? FindOnPath(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Append("/usr/sbin")
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(candidate => File.Exists(candidate) && (File.GetUnixFileMode(candidate) & UnixFileMode.UserExecute) != 0);
    }
}
