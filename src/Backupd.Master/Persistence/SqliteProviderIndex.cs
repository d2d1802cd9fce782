using System.Text.Json;
using Backupd.Contracts.Storage;
using Backupd.Grains.Storage;

namespace Backupd.Master.Persistence;

/// <summary>The provider index in the SQLite file: table <c>BackupdProviders</c> (0004-catalog-index.sql).</summary>
public sealed class SqliteProviderIndex(SqliteDatabase database) : IProviderIndex
{
    public async Task UpsertAsync(StorageProviderSummary provider, long stateVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO BackupdProviders (Id, Name, Type, CreatedAt, Document, StateVersion)
            VALUES ($id, $name, $type, $created, $document, $version)
            ON CONFLICT (Id) DO UPDATE SET
                Name = excluded.Name, Type = excluded.Type, CreatedAt = excluded.CreatedAt,
                Document = excluded.Document, StateVersion = excluded.StateVersion
            WHERE excluded.StateVersion >= BackupdProviders.StateVersion;
            """;
        command.Parameters.AddWithValue("$id", provider.Id);
        command.Parameters.AddWithValue("$name", provider.Name);
        command.Parameters.AddWithValue("$type", provider.Type);
        command.Parameters.AddWithValue("$created", provider.CreatedAt.UtcTicks);
        // The summary holds no secret: only whether each credential is set.
        command.Parameters.AddWithValue("$document", JsonSerializer.Serialize(provider, IndexDocuments.Options));
        command.Parameters.AddWithValue("$version", stateVersion);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task RemoveAsync(string providerId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM BackupdProviders WHERE Id = $id;", new Dictionary<string, object> { ["$id"] = providerId }, cancellationToken);

    public async Task<IReadOnlyList<StorageProviderSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Document FROM BackupdProviders ORDER BY CreatedAt, Id;";
        var providers = new List<StorageProviderSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            providers.Add(JsonSerializer.Deserialize<StorageProviderSummary>(reader.GetString(0), IndexDocuments.Options)!);
        }

        return providers;
    }
}
