using Backupd.Hosting;
using Backupd.Master.Apis;
using Backupd.Master.Auth;
using Backupd.Master.Health;
using Backupd.Master.Hosting;
using Backupd.Master.Options;
using Backupd.Master.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Master;

/// <summary>Runs the master: the silo, its database and the HTTP surface in one host.</summary>
public static class MasterHost
{
    /// <summary>Runs until SIGTERM/SIGINT or <paramref name="cancellationToken"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(IConfiguration configuration, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.AddBackupdLogging();

        var options = builder.AddBackupdSettings<MasterOptions>();
        var database = await PrepareDatabaseAsync(options, builder, cancellationToken);

        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(database);
        builder.AddBackupdSilo(options, database);
        builder.Services.AddBackupdAuthentication();
        builder.Services.AddBackupdHealthChecks();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi().AllowAnonymous();
        app.MapBackupdHealth();
        app.MapAuthApi();
        app.MapSystemApi();

        await app.RunAsync(cancellationToken);
        return 0;
    }

    private static async Task<SqliteDatabase> PrepareDatabaseAsync(MasterOptions options, WebApplicationBuilder builder, CancellationToken cancellationToken)
    {
        try
        {
            var dataDir = Directory.CreateDirectory(options.DataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var database = new SqliteDatabase(Path.Combine(dataDir.FullName, "backupd.db"));
            using var loggers = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole());
            var migrator = new SqliteSchemaMigrator(database, SchemaMigration.LoadEmbedded("sqlite"), TimeProvider.System, loggers.CreateLogger<SqliteSchemaMigrator>());
            await migrator.ApplyAsync(cancellationToken);
            return database;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new InvalidSettingsException([$"BACKUPD_DATA_DIR (\"data_dir\" in the config file) is '{options.DataDir}', where the master cannot keep its database: {ex.Message}"]);
        }
    }
}
