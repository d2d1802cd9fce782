using Backupd.Hosting;
using Backupd.Secrets;
using Microsoft.Extensions.Logging;

namespace Backupd.Tests.Secrets;

public sealed class SecretKeyLoaderTests : IDisposable
{
    private const string ExpectedFormat = "32 bytes, URL-safe base64, as Python's Fernet.generate_key() makes";

    private readonly string _dataDir = Directory.CreateTempSubdirectory("backupd-secrets-").FullName;
    private readonly RecordingLogger<SecretKeyLoader> _log = new();

    private string KeyFile => Path.Combine(_dataDir, "secret.key");

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Missing_key_file_is_generated_with_mode_0600_and_reused()
    {
        var first = await Loader(setting: null).LoadAsync(CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        var fileKey = FernetKey.Parse(await File.ReadAllTextAsync(KeyFile));
        Assert.True(first.IsEncryptedWithPrimary(new Fernet(fileKey).Encrypt("x")));

        var second = await Loader(setting: null).LoadAsync(CancellationToken.None);

        Assert.Equal("x", second.DecryptString(first.Encrypt("x")));
        Assert.Equal(fileKey.Export(), FernetKey.Parse(await File.ReadAllTextAsync(KeyFile)).Export());
    }

    [Fact]
    public async Task Generating_the_key_is_logged_once_as_a_warning_without_the_key()
    {
        await Loader(setting: null).LoadAsync(CancellationToken.None);
        await Loader(setting: null).LoadAsync(CancellationToken.None);

        var (level, message) = Assert.Single(_log.Entries);
        Assert.Equal(LogLevel.Warning, level);
        Assert.Contains(KeyFile, message, StringComparison.Ordinal);
        Assert.Contains("back it up together with the database", message, StringComparison.OrdinalIgnoreCase);
        var key = (await File.ReadAllTextAsync(KeyFile)).Trim();
        Assert.DoesNotContain(key.TrimEnd('='), message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_data_dir_is_created_for_the_key_file()
    {
        var dataDir = Path.Combine(_dataDir, "not", "yet");

        await new SecretKeyLoader(null, dataDir, TimeProvider.System, _log).LoadAsync(CancellationToken.None);

        Assert.True(File.Exists(Path.Combine(dataDir, "secret.key")));
    }

    [Fact]
    public async Task Setting_wins_over_the_key_file()
    {
        var fileKey = FernetKey.Generate();
        await File.WriteAllTextAsync(KeyFile, fileKey.Export() + "\n");
        var settingKey = FernetKey.Generate();

        var ring = await Loader(settingKey.Export()).LoadAsync(CancellationToken.None);

        Assert.True(ring.IsEncryptedWithPrimary(new Fernet(settingKey).Encrypt("x")));
        Assert.Throws<InvalidFernetTokenException>(() => ring.Decrypt(new Fernet(fileKey).Encrypt("x")));
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task Setting_leaves_a_missing_key_file_alone()
    {
        await Loader(FernetKey.Generate().Export()).LoadAsync(CancellationToken.None);

        Assert.False(File.Exists(KeyFile));
    }

    [Fact]
    public async Task Setting_with_several_keys_encrypts_with_the_first_and_decrypts_with_all()
    {
        var newKey = FernetKey.Generate();
        var oldKey = FernetKey.Generate();

        var ring = await Loader($"{newKey.Export()},{oldKey.Export()}").LoadAsync(CancellationToken.None);

        Assert.True(ring.IsEncryptedWithPrimary(new Fernet(newKey).Encrypt("x")));
        Assert.Equal("old", ring.DecryptString(new Fernet(oldKey).Encrypt("old")));
    }

    [Theory]
    [InlineData("hunter2-not-a-key")]
    [InlineData("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=,hunter2-not-a-key")]
    [InlineData("c3VwZXJzZWNyZXQtYnV0LXRvby1zaG9ydA==")]
    public async Task Invalid_setting_names_the_variable_and_the_format_without_the_value(string setting)
    {
        var error = await Assert.ThrowsAsync<InvalidSettingsException>(() => Loader(setting).LoadAsync(CancellationToken.None));

        var line = Assert.Single(error.Errors);
        Assert.StartsWith("BACKUPD_SECRET_KEY ", line, StringComparison.Ordinal);
        Assert.Contains(ExpectedFormat, error.Message, StringComparison.Ordinal);
        foreach (var part in setting.Split(','))
        {
            Assert.DoesNotContain(part.TrimEnd('='), error.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("hunter2-not-a-key\n")]
    [InlineData("")]
    public async Task Invalid_key_file_names_the_path_and_the_format_and_is_kept(string content)
    {
        await File.WriteAllTextAsync(KeyFile, content);

        var error = await Assert.ThrowsAsync<StartupFailedException>(() => Loader(setting: null).LoadAsync(CancellationToken.None));

        Assert.Contains(KeyFile, error.Message, StringComparison.Ordinal);
        Assert.Contains(ExpectedFormat, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllTextAsync(KeyFile));
    }

    private SecretKeyLoader Loader(string? setting) => new(setting, _dataDir, TimeProvider.System, _log);
}
