namespace Backupd.Contracts.Schedules;

/// <summary>The ids of all schedules (key 0).</summary>
[Alias("backupd.schedules.IScheduleDirectoryGrain")]
public interface IScheduleDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds an id.</summary>
    [Alias("Add")]
    Task AddAsync(string scheduleId);

    /// <summary>Removes an id.</summary>
    [Alias("Remove")]
    Task RemoveAsync(string scheduleId);

    /// <summary>All ids, oldest first.</summary>
    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync();
}
