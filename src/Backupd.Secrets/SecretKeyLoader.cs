using Backupd.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Secrets;

/// <summary>
/// Finds the master's Fernet keys: <c>BACKUPD_SECRET_KEY</c> (comma-separated keys, the first
/// encrypts) when set, otherwise <c>&lt;data dir&gt;/secret.key</c>, which is generated on the
/// first start. No message it writes or throws contains a key.
/// </summary>
public sealed partial class SecretKeyLoader
{
    /// <summary>The environment variable that carries the keys.</summary>
    public const string SettingVariable = SettingNames.EnvironmentPrefix + "SECRET_KEY";

    /// <summary>The key file's name in the data dir.</summary>
    public const string KeyFileName = "secret.key";

    private readonly string? _secretKeySetting;
    private readonly string _dataDir;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SecretKeyLoader> _logger;

    /// <param name="secretKeySetting">The value of <c>BACKUPD_SECRET_KEY</c>; empty or <see langword="null"/> when not set.</param>
    /// <param name="dataDir">The master's data dir, which holds <c>secret.key</c>.</param>
    /// <param name="timeProvider">The clock the loaded keys stamp tokens with.</param>
    /// <param name="logger">Hears, once, that a key file was generated.</param>
    public SecretKeyLoader(string? secretKeySetting, string dataDir, TimeProvider timeProvider, ILogger<SecretKeyLoader> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDir);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _secretKeySetting = secretKeySetting;
        _dataDir = dataDir;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Where the key file is, whether or not it is used.</summary>
    public string KeyFilePath => Path.Combine(_dataDir, KeyFileName);

    /// <summary>Loads the keys from the setting or the file, generating the file when neither exists.</summary>
    /// <exception cref="InvalidSettingsException"><c>BACKUPD_SECRET_KEY</c> is not a list of keys.</exception>
    /// <exception cref="StartupFailedException">The key file cannot be read or written, or holds no valid key.</exception>
    public async Task<FernetKeyRing> LoadAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(_secretKeySetting))
        {
            return ParseSetting(_secretKeySetting);
        }

        var path = KeyFilePath;
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return await GenerateAsync(path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupFailedException($"Cannot read the secret key file '{path}': {StartupFailedException.Reason(ex)}. It must be readable by the user that runs the master.", ex);
        }

        return ParseFile(path, text);
    }

    private FernetKeyRing ParseSetting(string setting)
    {
        try
        {
            return FernetKeyRing.Parse(setting, _timeProvider);
        }
        catch (FormatException ex)
        {
            // The inner exception is left out on purpose: nothing that travels with this one may hold the value.
            throw new InvalidSettingsException([$"{SettingVariable} is not valid. {ex.Message}"]);
        }
    }

    private FernetKeyRing ParseFile(string path, string text)
    {
        try
        {
            return FernetKeyRing.Parse(text, _timeProvider);
        }
        catch (FormatException ex)
        {
            // Never replace a bad file with a new key: every secret encrypted with the old one would be lost.
            throw new StartupFailedException(
                $"The secret key file '{path}' is not valid. {ex.Message} Restore the file from the backup made with the database, or set {SettingVariable}.");
        }
    }

    private async Task<FernetKeyRing> GenerateAsync(string path, CancellationToken cancellationToken)
    {
        DataDirectories.Create(_dataDir);
        var key = FernetKey.Generate();
        try
        {
            await PrivateFile.WriteAsync(path, async (stream, ct) =>
            {
                await using var writer = new StreamWriter(stream, StrictUtf8.Encoding);
                await writer.WriteAsync((key.Export() + "\n").AsMemory(), ct);
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupFailedException($"Cannot write a new secret key file '{path}': {StartupFailedException.Reason(ex)}. The data dir must be writable by the user that runs the master, or set {SettingVariable}.", ex);
        }

        LogGenerated(path);
        return new FernetKeyRing([key], _timeProvider);
    }

    [LoggerMessage(LogLevel.Warning, "Generated a new secret key in {KeyFile}. Back it up together with the database: the secrets stored there cannot be decrypted without it")]
    private partial void LogGenerated(string keyFile);
}
