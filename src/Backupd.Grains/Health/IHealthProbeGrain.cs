namespace Backupd.Grains.Health;

/// <summary>Answers when the silo can activate grains and run calls; used by <c>/healthz</c>.</summary>
[Alias("backupd.health.IHealthProbeGrain")]
public interface IHealthProbeGrain : IGrainWithIntegerKey
{
    /// <summary>Returns the UTC time at the silo.</summary>
    [Alias("Ping")]
    Task<DateTimeOffset> PingAsync();
}
