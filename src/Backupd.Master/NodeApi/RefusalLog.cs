namespace Backupd.Master.NodeApi;

/// <summary>
/// How often refused node API connections are logged: the first few in each minute, then
/// silence until the next, so that a flood of them cannot fill the disk with log lines.
/// </summary>
internal sealed class RefusalLog(TimeProvider time)
{
    private const int PerMinute = 20;
    private readonly Lock _gate = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _logged;

    public bool ShouldLog()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now - _windowStart >= TimeSpan.FromMinutes(1))
            {
                _windowStart = now;
                _logged = 0;
            }

            return ++_logged <= PerMinute;
        }
    }
}
