using Backupd.Hosting;
using Backupd.Master.Options;
using Backupd.Grains.Jobs;
using Backupd.Grains.Nodes;
using Backupd.Grains.Schedules;
using Backupd.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Backupd.Master.Persistence;

/// <summary>Registers the master's embedded database.</summary>
public static class DatabaseHostingExtensions
{
    /// <summary>Creates the data dir and registers the SQLite database and its schema migration.</summary>
    public static SqliteDatabase AddBackupdDatabase(this IHostApplicationBuilder builder, MasterOptions options)
    {
        var database = new SqliteDatabase(Path.Combine(DataDirectories.Create(options.DataDir), "backupd.db"));
        DataDirPermissions.Add(builder.Services, options.DataDir, "backupd.db", "backupd.db-wal", "backupd.db-shm", "secret.key", "node-ca.key", "node-ca.pem", "initial-admin-password");
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(SchemaMigration.LoadEmbedded("sqlite"));
        builder.Services.AddSingleton<SqliteSchemaMigrator>();
        builder.Services.AddHostedService<SchemaMigrationService>();
        builder.Services.AddBackupdIndexes(database);
        builder.Services.AddHostedService<IndexReconciler>();
        return database;
    }

    /// <summary>Registers the index tables the grains keep in <paramref name="database"/>.</summary>
    public static IServiceCollection AddBackupdIndexes(this IServiceCollection services, SqliteDatabase database)
    {
        services.TryAddSingleton(database);
        services.AddSingleton<IJobIndex, SqliteJobIndex>();
        services.AddSingleton<INodeIndex, SqliteNodeIndex>();
        services.AddSingleton<IProviderIndex, SqliteProviderIndex>();
        services.AddSingleton<IScheduleIndex, SqliteScheduleIndex>();
        services.AddSingleton<SqliteIndexVersions>();
        services.AddSingleton<IndexReadiness>();
        return services;
    }
}
