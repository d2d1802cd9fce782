using Backupd.Master.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backupd.Master.Persistence;

/// <summary>Registers the master's embedded database.</summary>
public static class DatabaseHostingExtensions
{
    /// <summary>Creates the data dir (mode 0700) and registers the SQLite database and its schema migration.</summary>
    public static SqliteDatabase AddBackupdDatabase(this IHostApplicationBuilder builder, MasterOptions options)
    {
        var dataDir = Directory.CreateDirectory(options.DataDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var database = new SqliteDatabase(Path.Combine(dataDir.FullName, "backupd.db"));
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(SchemaMigration.LoadEmbedded("sqlite"));
        builder.Services.AddSingleton<SqliteSchemaMigrator>();
        builder.Services.AddHostedService<SchemaMigrationService>();
        return database;
    }
}
