using Backupd.Contracts.Schedules;

namespace Backupd.Grains.Schedules;

/// <inheritdoc cref="IScheduleDirectoryGrain"/>
public sealed class ScheduleDirectoryGrain(
    [PersistentState("schedules", StorageNames.Master)] IPersistentState<ScheduleDirectoryState> directory) : Grain, IScheduleDirectoryGrain
{
    public async Task AddAsync(string scheduleId)
    {
        if (!directory.State.ScheduleIds.Contains(scheduleId))
        {
            directory.State.ScheduleIds.Add(scheduleId);
            await directory.WriteStateAsync();
        }
    }

    public async Task RemoveAsync(string scheduleId)
    {
        if (directory.State.ScheduleIds.Remove(scheduleId))
        {
            await directory.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>([.. directory.State.ScheduleIds]);
}
