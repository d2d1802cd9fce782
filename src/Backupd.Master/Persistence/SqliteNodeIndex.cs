using System.Text.Json;
using Backupd.Contracts.Nodes;
using Backupd.Grains.Nodes;
using Microsoft.Data.Sqlite;

namespace Backupd.Master.Persistence;

/// <summary>The node index in the SQLite file: table <c>BackupdNodes</c> (0004-catalog-index.sql).</summary>
public sealed class SqliteNodeIndex(SqliteDatabase database, TimeProvider time) : INodeIndex
{
    public async Task UpsertAsync(NodeIndexRow node, long stateVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // A grain activated after a restart has not heard from its node yet: the row keeps the
        // last time it had rather than forgetting it. (SQLite's two-argument MAX is NULL when
        // either is; a node never heard from stays NULL, not time zero.)
        command.CommandText = """
            INSERT INTO BackupdNodes (Id, Hostname, Status, RegisteredAt, ExpiresAt, LastSeenAt, Document, StateVersion)
            VALUES ($id, $hostname, $status, $registered, $expires, $seen, $document, $version)
            ON CONFLICT (Id) DO UPDATE SET
                Hostname = excluded.Hostname, Status = excluded.Status, RegisteredAt = excluded.RegisteredAt,
                ExpiresAt = excluded.ExpiresAt,
                LastSeenAt = COALESCE(MAX(excluded.LastSeenAt, BackupdNodes.LastSeenAt), excluded.LastSeenAt, BackupdNodes.LastSeenAt),
                Document = excluded.Document, StateVersion = excluded.StateVersion
            WHERE excluded.StateVersion >= BackupdNodes.StateVersion;
            """;
        var parameters = command.Parameters;
        parameters.AddWithValue("$id", node.Id);
        parameters.AddWithValue("$hostname", node.Hostname);
        parameters.AddWithValue("$status", (int)node.Status);
        parameters.AddWithValue("$registered", node.RegisteredAt.UtcTicks);
        parameters.AddWithValue("$expires", node.ExpiresAt.UtcTicks);
        parameters.AddWithValue("$seen", node.LastSeenAt is { } seen ? seen.UtcTicks : DBNull.Value);
        parameters.AddWithValue("$document", JsonSerializer.Serialize(node with { LastSeenAt = null }, IndexDocuments.Options));
        parameters.AddWithValue("$version", stateVersion);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task SeenAsync(string nodeId, DateTimeOffset seenAt, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("UPDATE BackupdNodes SET LastSeenAt = $seen WHERE Id = $id AND COALESCE(LastSeenAt, 0) < $seen;",
            new Dictionary<string, object> { ["$id"] = nodeId, ["$seen"] = seenAt.UtcTicks }, cancellationToken);

    public Task RemoveAsync(string nodeId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM BackupdNodes WHERE Id = $id;", new Dictionary<string, object> { ["$id"] = nodeId }, cancellationToken);

    public async Task<IReadOnlyList<NodeSummary>> ListAsync(NodeStatus? status, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Expired is not stored: it is a pending row past its expiry, as of now.
        var where = status switch
        {
            null => "Status NOT IN ($deleted, $pending) OR (Status = $pending AND ExpiresAt > $now)",
            NodeStatus.Pending => "Status = $pending AND ExpiresAt > $now",
            NodeStatus.Expired => "Status = $pending AND ExpiresAt <= $now",
            _ => "Status = $status",
        };
        command.CommandText = $"SELECT Document, LastSeenAt FROM BackupdNodes WHERE {where} ORDER BY RegisteredAt, Id;";
        command.Parameters.AddWithValue("$deleted", (int)NodeStatus.Deleted);
        command.Parameters.AddWithValue("$pending", (int)NodeStatus.Pending);
        command.Parameters.AddWithValue("$now", now.UtcTicks);
        command.Parameters.AddWithValue("$status", (int)(status ?? NodeStatus.Active));
        var nodes = new List<NodeSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = JsonSerializer.Deserialize<NodeIndexRow>(reader.GetString(0), IndexDocuments.Options)!;
            var seen = reader.IsDBNull(1) ? (DateTimeOffset?)null : new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero);
            nodes.Add((row with { LastSeenAt = seen }).ToSummary(now));
        }

        return nodes;
    }
}
