using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Grains.Schedules;
using Backupd.Scheduling;

namespace Backupd.Master.Persistence;

/// <summary>The schedule index in the SQLite file: table <c>BackupdSchedules</c> (0004-catalog-index.sql).</summary>
public sealed class SqliteScheduleIndex(SqliteDatabase database, TimeProvider time) : IScheduleIndex
{
    public async Task UpsertAsync(ScheduleIndexRow schedule, long stateVersion, CancellationToken cancellationToken = default)
    {
        var details = schedule.Details;
        var definition = details.Definition;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO BackupdSchedules (Id, Name, NodeId, ProviderId, Module, Enabled, CreatedAt, LastDueHandled, LastJobId, Document, StateVersion)
            VALUES ($id, $name, $node, $provider, $module, $enabled, $created, $due, $lastJob, $document, $version)
            ON CONFLICT (Id) DO UPDATE SET
                Name = excluded.Name, NodeId = excluded.NodeId, ProviderId = excluded.ProviderId, Module = excluded.Module,
                Enabled = excluded.Enabled, CreatedAt = excluded.CreatedAt, LastDueHandled = excluded.LastDueHandled,
                LastJobId = excluded.LastJobId, Document = excluded.Document, StateVersion = excluded.StateVersion
            WHERE excluded.StateVersion >= BackupdSchedules.StateVersion;
            """;
        var parameters = command.Parameters;
        parameters.AddWithValue("$id", details.Id);
        parameters.AddWithValue("$name", definition.Name);
        parameters.AddWithValue("$node", definition.NodeId);
        parameters.AddWithValue("$provider", definition.ProviderId);
        parameters.AddWithValue("$module", definition.Module);
        parameters.AddWithValue("$enabled", definition.Enabled);
        parameters.AddWithValue("$created", details.CreatedAt.UtcTicks);
        parameters.AddWithValue("$due", schedule.LastDueHandled.UtcTicks);
        parameters.AddWithValue("$lastJob", (object?)details.LastJobId ?? DBNull.Value);
        // The grain's details already carry the config with its secrets masked.
        parameters.AddWithValue("$document", JsonSerializer.Serialize(details, IndexDocuments.Options));
        parameters.AddWithValue("$version", stateVersion);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task RemoveAsync(string scheduleId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM BackupdSchedules WHERE Id = $id;", new Dictionary<string, object> { ["$id"] = scheduleId }, cancellationToken);

    public async Task<IReadOnlyList<ScheduleDetails>> ListAsync(ScheduleFilter filter, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var conditions = new SqlFilter(command);
        if (filter.ProviderId is { } provider)
        {
            conditions.Add("s.ProviderId = $provider", "$provider", provider);
        }

        if (filter.NodeId is { } node)
        {
            conditions.Add("s.NodeId = $node", "$node", node);
        }

        if (filter.Enabled is { } enabled)
        {
            conditions.Add("s.Enabled = $enabled", "$enabled", enabled);
        }

        // The last job's state comes from the job index as it stands now, not as it stood when the schedule was written.
        command.CommandText = $"""
            SELECT s.Document, s.LastDueHandled, j.State FROM BackupdSchedules s
            LEFT JOIN BackupdJobs j ON j.Id = s.LastJobId{conditions}
            ORDER BY s.CreatedAt, s.Id;
            """;
        var schedules = new List<ScheduleDetails>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var details = JsonSerializer.Deserialize<ScheduleDetails>(reader.GetString(0), IndexDocuments.Options)!;
            var lastDueHandled = new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero);
            var definition = details.Definition;
            var next = ScheduleIndexRow.NextRun(definition, CronSchedule.Parse(definition.Cron, definition.TimeZone), lastDueHandled, now);
            schedules.Add(details with { NextRunAt = next, LastJobState = reader.IsDBNull(2) ? null : (JobState)reader.GetInt64(2) });
        }

        return schedules;
    }
}
