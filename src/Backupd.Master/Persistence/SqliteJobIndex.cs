using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;
using Microsoft.Data.Sqlite;

namespace Backupd.Master.Persistence;

/// <summary>The job index in the SQLite file: table <c>BackupdJobs</c> (0003-job-index.sql).</summary>
public sealed class SqliteJobIndex(SqliteDatabase database) : IJobIndex
{
    private const string Columns = "Id, NodeId, Module, ProviderId, ScheduleId, Priority, State, CreatedAt, StartedAt, EndedAt, PrunedAt, Error, ResultJson";

    public async Task UpsertAsync(JobSummary job, long stateVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO BackupdJobs (Id, NodeId, Module, ProviderId, ScheduleId, Priority, State, CreatedAt, StartedAt, EndedAt, PrunedAt, Error, ResultKey, ResultSize, ResultJson, StateVersion)
            VALUES ($id, $node, $module, $provider, $schedule, $priority, $state, $created, $started, $ended, $pruned, $error, $resultKey, $resultSize, $resultJson, $version)
            ON CONFLICT (Id) DO UPDATE SET
                NodeId = excluded.NodeId, Module = excluded.Module, ProviderId = excluded.ProviderId, ScheduleId = excluded.ScheduleId,
                Priority = excluded.Priority, State = excluded.State, CreatedAt = excluded.CreatedAt, StartedAt = excluded.StartedAt,
                EndedAt = excluded.EndedAt, PrunedAt = excluded.PrunedAt, Error = excluded.Error, ResultKey = excluded.ResultKey,
                ResultSize = excluded.ResultSize, ResultJson = excluded.ResultJson, StateVersion = excluded.StateVersion
            WHERE excluded.StateVersion >= BackupdJobs.StateVersion;
            """;
        var parameters = command.Parameters;
        parameters.AddWithValue("$id", job.Id);
        parameters.AddWithValue("$node", job.NodeId);
        parameters.AddWithValue("$module", job.Module);
        parameters.AddWithValue("$provider", job.ProviderId);
        parameters.AddWithValue("$schedule", (object?)job.ScheduleId ?? DBNull.Value);
        parameters.AddWithValue("$priority", job.Priority);
        parameters.AddWithValue("$state", (int)job.State);
        parameters.AddWithValue("$created", job.CreatedAt.UtcTicks);
        parameters.AddWithValue("$started", Ticks(job.StartedAt));
        parameters.AddWithValue("$ended", Ticks(job.EndedAt));
        parameters.AddWithValue("$pruned", Ticks(job.PrunedAt));
        parameters.AddWithValue("$error", (object?)job.Error ?? DBNull.Value);
        parameters.AddWithValue("$resultKey", (object?)job.Result?.ObjectKey ?? DBNull.Value);
        parameters.AddWithValue("$resultSize", (object?)job.Result?.Size ?? DBNull.Value);
        parameters.AddWithValue("$resultJson", job.Result is { } result ? JsonSerializer.Serialize(result) : DBNull.Value);
        parameters.AddWithValue("$version", stateVersion);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task RemoveAsync(string jobId, CancellationToken cancellationToken = default) =>
        database.ExecuteAsync("DELETE FROM BackupdJobs WHERE Id = $id;", new Dictionary<string, object> { ["$id"] = jobId }, cancellationToken);

    public async Task<JobPage> QueryAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        var limit = Math.Clamp(query.Limit, 1, IJobIndex.MaxLimit);
        var offset = Math.Max(0, query.Offset);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = Where(query, command);
        command.CommandText = $"SELECT {Columns} FROM BackupdJobs{where} ORDER BY CreatedAt DESC, Id DESC LIMIT $limit OFFSET $offset;";
        command.Parameters.AddWithValue("$limit", limit);
        command.Parameters.AddWithValue("$offset", offset);
        var items = new List<JobSummary>(limit);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Read(reader));
            }
        }

        // A short first page is the whole answer; otherwise count, with the same filter.
        var total = offset == 0 && items.Count < limit ? items.Count : await CountAsync(connection, query, cancellationToken);
        return new JobPage(items, total, offset, limit);
    }

    public Task<IReadOnlyList<string>> PendingAsync(string nodeId, int limit, CancellationToken cancellationToken = default) =>
        database.QueryStringsAsync(
            "SELECT Id FROM BackupdJobs WHERE NodeId = $node AND State = $pending ORDER BY Priority DESC, CreatedAt, Id LIMIT $limit;",
            new Dictionary<string, object> { ["$node"] = nodeId, ["$pending"] = (int)JobState.Pending, ["$limit"] = limit },
            cancellationToken);

    // EndedAt is set only on jobs that ended; a result not marked pruned is a bundle still stored.
    public Task<IReadOnlyList<string>> ExpiredAsync(DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken = default) =>
        database.QueryStringsAsync(
            """
            SELECT Id FROM BackupdJobs
            WHERE EndedAt < $before AND State IN ($completed, $failed, $cancelled) AND (ResultKey IS NULL OR PrunedAt IS NOT NULL)
            ORDER BY EndedAt LIMIT $limit;
            """,
            new Dictionary<string, object>
            {
                ["$before"] = endedBefore.UtcTicks,
                ["$completed"] = (int)JobState.Completed,
                ["$failed"] = (int)JobState.Failed,
                ["$cancelled"] = (int)JobState.Cancelled,
                ["$limit"] = limit,
            },
            cancellationToken);

    public async Task<IReadOnlyList<StoredBundles>> StoredBundlesAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT ProviderId, ScheduleId, COUNT(*), COALESCE(SUM(ResultSize), 0) FROM BackupdJobs
            WHERE State = $completed AND ResultKey IS NOT NULL AND PrunedAt IS NULL
            GROUP BY ProviderId, ScheduleId;
            """;
        command.Parameters.AddWithValue("$completed", (int)JobState.Completed);
        var stored = new List<StoredBundles>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stored.Add(new StoredBundles(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt32(2), reader.GetInt64(3)));
        }

        return stored;
    }

    // One seek per schedule into IX_BackupdJobs_Schedule (ScheduleId, State, CreatedAt, Id), not a scan of every completed job.
    public async Task<IReadOnlyDictionary<string, JobSummary>> LastCompletedPerScheduleAsync(IReadOnlyCollection<string> scheduleIds, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM BackupdJobs WHERE Id IN (
                SELECT (SELECT j.Id FROM BackupdJobs j WHERE j.ScheduleId = s.value AND j.State = $completed ORDER BY j.CreatedAt DESC, j.Id DESC LIMIT 1)
                FROM json_each($schedules) s);
            """;
        command.Parameters.AddWithValue("$completed", (int)JobState.Completed);
        command.Parameters.AddWithValue("$schedules", JsonSerializer.Serialize(scheduleIds));
        var last = new Dictionary<string, JobSummary>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var job = Read(reader);
            last[job.ScheduleId!] = job;
        }

        return last;
    }

    public async Task<int> CountAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await CountAsync(connection, query, cancellationToken);
    }

    private static async Task<int> CountAsync(SqliteConnection connection, JobQuery query, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM BackupdJobs{Where(query, command)};";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Where(JobQuery query, SqliteCommand command)
    {
        var filter = new SqlFilter(command);
        if (query.State is { } state)
        {
            filter.Add("State = $state", "$state", (int)state);
        }

        if (query.NodeId is { } node)
        {
            filter.Add("NodeId = $node", "$node", node);
        }

        if (query.Module is { } module)
        {
            filter.Add("Module = $module", "$module", module);
        }

        if (query.ScheduleId is { } schedule)
        {
            filter.Add("ScheduleId = $schedule", "$schedule", schedule);
        }

        if (query.ProviderId is { } provider)
        {
            filter.Add("ProviderId = $provider", "$provider", provider);
        }

        if (query.CreatedFrom is { } from)
        {
            filter.Add("CreatedAt >= $from", "$from", from.UtcTicks);
        }

        if (query.CreatedTo is { } to)
        {
            filter.Add("CreatedAt < $to", "$to", to.UtcTicks);
        }

        return filter.ToString();
    }

    private static JobSummary Read(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        (int)reader.GetInt64(5),
        (JobState)reader.GetInt64(6),
        Time(reader.GetInt64(7)),
        reader.IsDBNull(8) ? null : Time(reader.GetInt64(8)),
        reader.IsDBNull(9) ? null : Time(reader.GetInt64(9)),
        reader.IsDBNull(11) ? null : reader.GetString(11),
        reader.IsDBNull(12) ? null : JsonSerializer.Deserialize<JobResult>(reader.GetString(12)),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(10) ? null : Time(reader.GetInt64(10)));

    private static object Ticks(DateTimeOffset? time) => time is { } value ? value.UtcTicks : DBNull.Value;

    private static DateTimeOffset Time(long ticks) => new(ticks, TimeSpan.Zero);
}
