using Backupd.Hosting;
using Backupd.Secrets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backupd.Tests.Secrets;

public sealed class SecretsServiceCollectionExtensionsTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("backupd-secrets-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    [Fact]
    public async Task Key_ring_is_loaded_as_the_host_starts()
    {
        using var host = BuildHost(secretKeySetting: null);

        await host.StartAsync();
        var ring = host.Services.GetRequiredService<FernetKeyRing>();

        var fileKey = FernetKey.Parse(await File.ReadAllTextAsync(Path.Combine(_dataDir, "secret.key")));
        Assert.True(ring.IsEncryptedWithPrimary(new Fernet(fileKey).Encrypt("x")));
        Assert.Same(ring, host.Services.GetRequiredService<FernetKeyRing>());
        await host.StopAsync();
    }

    [Fact]
    public async Task Invalid_setting_stops_the_start()
    {
        using var host = BuildHost("not-a-key");

        var error = await Assert.ThrowsAsync<InvalidSettingsException>(() => host.StartAsync());

        Assert.Contains("BACKUPD_SECRET_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_ring_asked_for_before_the_start_says_why_it_is_not_there()
    {
        using var host = BuildHost(secretKeySetting: null);

        var error = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<FernetKeyRing>());

        Assert.Contains("loaded when the host starts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_twice_loads_once()
    {
        var services = new ServiceCollection();

        services.AddBackupdSecrets(null, _dataDir).AddBackupdSecrets(null, _dataDir);

        Assert.Single(services, service => service.ServiceType == typeof(IHostedService));
        Assert.Single(services, service => service.ServiceType == typeof(FernetKeyRing));
    }

    private IHost BuildHost(string? secretKeySetting)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddBackupdSecrets(secretKeySetting, _dataDir);
        return builder.Build();
    }
}
