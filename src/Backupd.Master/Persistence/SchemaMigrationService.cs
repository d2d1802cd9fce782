using Microsoft.Extensions.Hosting;

namespace Backupd.Master.Persistence;

/// <summary>
/// Applies the schema before anything reads the database.
/// </summary>
/// <remarks>
/// Registered before the silo: hosted services start in registration order, and Orleans'
/// reminder service refuses to start when its queries are not in <c>OrleansQuery</c> yet.
/// </remarks>
public sealed class SchemaMigrationService(SqliteDatabase database, SqliteSchemaMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(database.Path))
        {
            // SQLite makes the file with the process's umask (often 0644), and its -wal and -shm
            // files after it: an empty file made 0600 first is a new database they all follow.
            using var _ = new FileStream(database.Path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }

        return migrator.ApplyAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
