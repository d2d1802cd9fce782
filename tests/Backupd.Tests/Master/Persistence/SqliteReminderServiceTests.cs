namespace Backupd.Tests.Master.Persistence;

[Collection(SqliteSiloCollection.Name)]
public sealed class SqliteReminderServiceTests(SqliteSiloFixture silo)
{
    [Fact]
    public async Task Registered_reminder_fires_and_is_listed_from_the_database()
    {
        var grain = silo.Client.GetGrain<IReminderProbeGrain>(Guid.NewGuid());
        await grain.StartAsync(TimeSpan.FromSeconds(1));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await grain.GetTicksAsync() == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(await grain.GetTicksAsync() > 0, "the reminder did not fire within 30 s");
        Assert.Equal(["probe"], await grain.ListAsync());
        await grain.StopAsync();
        Assert.Empty(await grain.ListAsync());
    }
}

public interface IReminderProbeGrain : IGrainWithGuidKey
{
    Task StartAsync(TimeSpan dueTime);

    Task StopAsync();

    Task<int> GetTicksAsync();

    Task<string[]> ListAsync();
}

public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    private int _ticks;

    public Task StartAsync(TimeSpan dueTime) => this.RegisterOrUpdateReminder("probe", dueTime, TimeSpan.FromMinutes(1));

    public async Task StopAsync()
    {
        var reminder = await this.GetReminder("probe") ?? throw new InvalidOperationException("reminder missing");
        await this.UnregisterReminder(reminder);
    }

    public Task<int> GetTicksAsync() => Task.FromResult(_ticks);

    public async Task<string[]> ListAsync() => [.. (await this.GetReminders()).Select(r => r.ReminderName)];

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        _ticks++;
        return Task.CompletedTask;
    }
}
