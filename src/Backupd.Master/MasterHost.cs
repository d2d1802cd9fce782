using Backupd.Master.Jobs;
using Backupd.Master.Application;
using System.Net.Sockets;
using Backupd.Grains.Jobs;
using Backupd.Grains.Secrets;
using Backupd.Master.Security;
using Backupd.Master.Schedules;
using Backupd.Master.Secrets;
using Backupd.Master.Storage;
using Backupd.Grains.Storage;
using Backupd.Secrets;
using Backupd.Grains.Nodes;
using Backupd.Modules.WordPress;
using Backupd.Hosting;
using Backupd.Master.Apis;
using Backupd.Master.Auth;
using Backupd.Master.Brakes;
using Backupd.Master.Health;
using Backupd.Master.Hosting;
using Backupd.Master.NodeApi;
using Backupd.Master.Options;
using Backupd.Master.Persistence;
using Backupd.Master.Registration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backupd.Master;

/// <summary>Runs the master: the silo, its database and the HTTP surface in one host.</summary>
public static class MasterHost
{
    /// <summary>Runs until SIGTERM/SIGINT or <paramref name="cancellationToken"/>; returns the exit code.</summary>
    /// <param name="configuration">The settings.</param>
    /// <param name="cancellationToken">Stops the master.</param>
    /// <param name="parts">Parts of the web host from other projects (the dashboard).</param>
    public static async Task<int> RunAsync(IConfiguration configuration, CancellationToken cancellationToken, IReadOnlyList<IMasterWebPart>? parts = null)
    {
        parts ??= [];
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.AddBackupdLogging();

        var options = builder.AddBackupdSettings<MasterOptions>();
        var database = builder.AddBackupdDatabase(options);
        builder.Services.AddSingleton(TimeProvider.System);
        // Keys for future cookies and anti-forgery tokens live with the rest of the master's state, so restarts keep sessions.
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDir, "data-protection-keys")));
        builder.Services.AddBackupdSecrets(options.SecretKey, options.DataDir);
        builder.AddBackupdEndpoints(options);
        builder.Services.AddSingleton<ISecretCipher, FernetSecretCipher>();
        builder.Services.AddBackupdProviderStorage();
        builder.Services.AddBackupdApplication();
        builder.Services.AddHostedService<ScheduleActivator>();
        builder.Services.AddSingleton<SecretHolders>();
        builder.Services.AddHostedService<SecretsStartupCheck>();
        builder.AddBackupdSilo(options, database);
        builder.Services.AddBackupdAuthentication();
        builder.Services.AddBackupdBrakes(options);
        builder.Services.Configure<RegistrationOptions>(registration =>
        {
            registration.CodeLifetime = options.RegistrationCodeLifetime;
            registration.MaxPendingPerAddress = options.RegistrationMaxPendingPerAddress;
            registration.MaxPending = options.RegistrationMaxPending;
        });
        builder.Services.AddHostedService<ExpiredRegistrationSweeper>();
        builder.Services.AddHostedService<JobHistoryPruner>();
        builder.Services.AddHostedService<KeptCopySweeper>();
        builder.Services.AddHostedService<StorageLeftoverSweeper>();
        builder.Services.Configure<JobOptions>(jobs => jobs.LeaseDuration = options.JobLease);
        // The master validates job configs against each module's schema; it never runs them.
        builder.Services.AddWordPressModule();
        builder.Services.AddBackupdHealthChecks();
        builder.Services.AddBackupdApi();
        foreach (var part in parts)
        {
            part.AddServices(builder, options);
        }

        await using var app = builder.Build();
        app.UseExceptionHandler();
        app.UseRequestHardening();
        app.UseNodeApiSeparation();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        foreach (var part in parts)
        {
            part.Map(app);
        }

        app.MapOpenApi().AllowAnonymous();
        app.MapBackupdHealth();
        app.MapAuthApi();
        app.MapSystemApi();
        app.MapNodesApi();
        app.MapModulesApi();
        app.MapProvidersApi();
        app.MapJobsApi();
        app.MapRestoresApi();
        app.MapSecretsApi();
        app.MapSchedulesApi();
        app.MapNodeApi();

        ListenEndpoints.EnsureAvailable(options);
        try
        {
            return await HostExit.RunAsync(app, cancellationToken);
        }
        catch (Exception ex) when (ex is SqliteException or UnauthorizedAccessException)
        {
            throw new StartupFailedException($"The master cannot use its database '{database.Path}': {StartupFailedException.Reason(ex)}. Check that BACKUPD_DATA_DIR ('{options.DataDir}') is writable by this user.", ex);
        }
        catch (SchemaTooNewException ex)
        {
            throw new StartupFailedException(ex.Message, ex);
        }
        catch (IOException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            throw new StartupFailedException(
                $"Cannot listen on {options.Urls} or {options.NodeUrls}: an address is already in use. Stop the other process or set BACKUPD_URLS and BACKUPD_NODE_URLS to free addresses.", ex);
        }
        catch (AddressInUseException ex)
        {
            throw new StartupFailedException(ListenEndpoints.DescribeTakenOrleansPort(options), ex);
        }
    }
}
