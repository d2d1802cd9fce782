using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Backupd.Master.Persistence;

/// <summary>
/// Compares the versions stamped on index rows with the versions of the grain state they were
/// made from, in the same SQLite file, to find what a re-index must bring up to date.
/// </summary>
public sealed class SqliteIndexVersions(SqliteDatabase database, IOptions<ClusterOptions> cluster)
{
    /// <summary>Entities of <paramref name="kind"/> whose row is missing or older than their state, and rows without state.</summary>
    public async Task<IReadOnlyList<string>> FindStaleAsync(IndexedKind kind, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var stored = await ReadStoredVersionsAsync(connection, kind, cancellationToken);
        var indexed = await ReadIndexedVersionsAsync(connection, kind, cancellationToken);
        return
        [
            .. stored.Where(entity => !indexed.TryGetValue(entity.Key, out var version) || version < entity.Value).Select(entity => entity.Key),
            .. indexed.Keys.Where(id => !stored.ContainsKey(id)),
        ];
    }

    /// <summary>Every entity of <paramref name="kind"/> with state or a row, for a rebuild of the whole table.</summary>
    public async Task<IReadOnlyList<string>> ListAllAsync(IndexedKind kind, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var stored = await ReadStoredVersionsAsync(connection, kind, cancellationToken);
        var indexed = await ReadIndexedVersionsAsync(connection, kind, cancellationToken);
        return [.. stored.Keys.Union(indexed.Keys)];
    }

    // Orleans' ADO.NET storage keeps a key that reads as a GUID (every job id does) as two
    // 64-bit halves rather than as text, so ids are put back together here, not in SQL.
    private async Task<Dictionary<string, long>> ReadStoredVersionsAsync(SqliteConnection connection, IndexedKind kind, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT GrainIdN0, GrainIdN1, GrainIdExtensionString, Version FROM OrleansStorage
            WHERE GrainTypeString = $type AND ServiceId = $service AND PayloadBinary IS NOT NULL;
            """;
        command.Parameters.AddWithValue("$type", kind.StateName);
        command.Parameters.AddWithValue("$service", cluster.Value.ServiceId);
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions[StoredKey(reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2))] = reader.GetInt64(3);
        }

        return versions;
    }

    private static async Task<Dictionary<string, long>> ReadIndexedVersionsAsync(SqliteConnection connection, IndexedKind kind, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        // The table name comes from IndexedKind.All, never from input.
        command.CommandText = $"SELECT Id, StateVersion FROM {kind.Table};";
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            versions[reader.GetString(0)] = reader.GetInt64(1);
        }

        return versions;
    }

    /// <summary>The string key of a grain as Orleans' ADO.NET storage keeps it (see its <c>AdoGrainKey</c>).</summary>
    internal static string StoredKey(long n0, long n1, string? extension)
    {
        if (n0 == 0 && n1 == 0 && extension is not null)
        {
            return extension;
        }

        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, n0);
        BitConverter.TryWriteBytes(bytes[8..], n1);
        var guid = new Guid(bytes).ToString("N");
        return extension is null ? guid : $"{guid}+{extension}";
    }
}
