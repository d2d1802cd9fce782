using System.Security.Cryptography;
using Backupd.Contracts.Auth;
using Backupd.Grains.Auth;
using Backupd.Hosting;
using Backupd.Master.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Auth;

/// <summary>
/// Gives the <c>admin</c> account its first password once the silo is up: <c>BACKUPD_ADMIN_PASSWORD</c>
/// if set, otherwise a generated one that is logged once and written to a 0600 file.
/// </summary>
/// <remarks>Registered after <c>UseOrleans</c>, so it starts after the silo has.</remarks>
public sealed partial class AdminAccountBootstrapper(
    IGrainFactory grains,
    IOptions<MasterOptions> options,
    ILogger<AdminAccountBootstrapper> logger) : IHostedService
{
    /// <summary>The one administrator account.</summary>
    public const string AdminUserName = "admin";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var account = grains.GetGrain<IAdminAccountGrain>(AdminUserName);
        if (await account.IsCreatedAsync())
        {
            return;
        }

        if (settings.AdminPassword is { Length: > 0 } given)
        {
            if (await account.EnsureCreatedAsync(given))
            {
                LogFromSetting(AdminUserName);
            }

            return;
        }

        var generated = GeneratePassword();
        // The file is written first so that the password is never lost if the grain write fails after it.
        await PrivateFile.WriteAsync(settings.InitialAdminPasswordPath, async (stream, ct) =>
        {
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync((generated + "\n").AsMemory(), ct);
        }, cancellationToken);
        if (await account.EnsureCreatedAsync(generated))
        {
            LogGenerated(AdminUserName, generated, settings.InitialAdminPasswordPath);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string GeneratePassword()
    {
        // Unambiguous letters and digits, 24 characters: about 137 bits, easy to copy from a log.
        const string alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 24);
    }

    [LoggerMessage(LogLevel.Information, "Created the {UserName} account with the password from BACKUPD_ADMIN_PASSWORD")]
    private partial void LogFromSetting(string userName);

    // The one place a secret is logged, on purpose and once: an operator must be able to log in
    // to a fresh master that was started without BACKUPD_ADMIN_PASSWORD.
    [LoggerMessage(LogLevel.Warning, "Created the {UserName} account with the generated password {Password} (also written to {PasswordFile}). Change it or delete the file once you have stored it")]
    private partial void LogGenerated(string userName, string password, string passwordFile);
}
