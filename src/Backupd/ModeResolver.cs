using System.Collections;
using System.Text.Json;
using Backupd.Hosting;
using Microsoft.Extensions.Configuration;

namespace Backupd;

/// <summary>
/// Decides the mode and builds the configuration: <c>--mode</c>, then <c>BACKUPD_MODE</c>, then
/// <c>mode</c> in the config file (<c>--config</c>, <c>BACKUPD_CONFIG</c>, or
/// <c>/etc/backupd/backupd.json</c> when it exists).
/// </summary>
internal sealed class ModeResolver(IReadOnlyDictionary<string, string> environment, string defaultConfigFile = SettingNames.DefaultConfigFile)
{
    private const string HowToChoose =
        "Choose one of: the --mode master|node option, the BACKUPD_MODE environment variable, " +
        "or \"mode\": \"master\"|\"node\" in the config file (--config PATH, BACKUPD_CONFIG, or " + SettingNames.DefaultConfigFile + ").";

    /// <summary>Reads this process's environment.</summary>
    public static ModeResolver FromProcess() =>
        new(Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal));

    /// <summary>Resolves the mode; throws <see cref="StartupError"/> with a message that says how to fix it.</summary>
    public StartupContext Resolve(string? modeOption, string? configOption)
    {
        var configFile = FindConfigFile(configOption);
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            EnsureValidJson(configFile);
            builder.AddJsonFile(configFile, optional: false, reloadOnChange: false);
        }

        var configuration = builder.AddInMemoryCollection(BackupdVariables()).Build();

        var fileMode = configFile is null ? null : ReadFileMode(configFile);
        var (raw, source) = modeOption is { Length: > 0 } ? (modeOption, "--mode")
            : Env(SettingNames.EnvironmentPrefix + SettingNames.Mode) is { Length: > 0 } env ? (env, "BACKUPD_MODE")
            : fileMode is { Length: > 0 } ? (fileMode, $"\"mode\" in {configFile}")
            : (null, null);

        if (raw is null)
        {
            throw new StartupError("backupd needs to know whether to run as the master or as a node. " + HowToChoose, StartupError.UsageExitCode);
        }

        var mode = raw.Trim().ToLowerInvariant() switch
        {
            "master" => BackupdMode.Master,
            "node" => BackupdMode.Node,
            _ => throw new StartupError($"Unknown mode '{raw}' (from {source}): use 'master' or 'node'.", StartupError.UsageExitCode),
        };
        return new StartupContext(mode, configuration, configFile);
    }

    private string? FindConfigFile(string? configOption)
    {
        var (path, source) = configOption is { Length: > 0 } ? (configOption, "--config")
            : Env(SettingNames.EnvironmentPrefix + SettingNames.Config) is { Length: > 0 } env ? (env, "BACKUPD_CONFIG")
            : (null, null);
        if (path is null)
        {
            return File.Exists(defaultConfigFile) ? defaultConfigFile : null;
        }

        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new StartupError($"The config file '{full}' (from {source}) does not exist. Create it or point {source} at an existing file.", StartupError.UsageExitCode);
        }

        return full;
    }

    private static void EnsureValidJson(string configFile)
    {
        try
        {
            using var stream = File.OpenRead(configFile);
            using var document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new StartupError($"The config file '{configFile}' must hold a JSON object, e.g. {{ \"mode\": \"master\" }}.", StartupError.UsageExitCode);
            }
        }
        catch (JsonException ex)
        {
            throw new StartupError($"The config file '{configFile}' is not valid JSON (line {ex.LineNumber + 1}, position {ex.BytePositionInLine + 1}): {ex.Message}", StartupError.UsageExitCode);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupError($"The config file '{configFile}' cannot be read: {ex.Message}", StartupError.UsageExitCode);
        }
    }

    private static string? ReadFileMode(string configFile) =>
        new ConfigurationBuilder().AddJsonFile(configFile, optional: false).Build()[SettingNames.Mode];

    // BACKUPD_MAX_IO becomes the key MAX_IO, which matches "max_io" in the config file
    // (configuration keys are case-insensitive), so the variable always wins over the file.
    private IEnumerable<KeyValuePair<string, string?>> BackupdVariables() =>
        environment
            .Where(e => e.Key.StartsWith(SettingNames.EnvironmentPrefix, StringComparison.Ordinal))
            .Select(e => new KeyValuePair<string, string?>(e.Key[SettingNames.EnvironmentPrefix.Length..], e.Value));

    private string? Env(string name) => environment.TryGetValue(name, out var value) ? value : null;
}
