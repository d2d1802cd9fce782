using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Backupd.Master.NodeApi;
using Backupd.Master.Options;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Brakes;

/// <summary>
/// The brakes on password guessing, on top of the per-address request limit: an address that
/// sends wrong passwords in a row is locked out, for longer with each further one, while the
/// same account stays open to every other address, so an attacker cannot lock the admin out.
/// Per account, only a few password checks run at once: the slow hash cannot be queued up
/// without end by many addresses together.
/// </summary>
public sealed partial class LoginThrottle : IDisposable
{
    /// <summary>The first lockout; each further wrong password doubles it.</summary>
    public static readonly TimeSpan FirstLockout = TimeSpan.FromMinutes(1);

    /// <summary>The longest lockout.</summary>
    public static readonly TimeSpan LongestLockout = TimeSpan.FromHours(1);

    /// <summary>Password checks of one account that run at once; more wait, up to <see cref="AccountQueue"/>.</summary>
    public const int AccountChecksAtOnce = 2;

    /// <summary>Password checks of one account that wait; more are refused with a 429.</summary>
    public const int AccountQueue = 16;

    // A run of wrong passwords older than this is forgotten.
    private static readonly TimeSpan FailureMemory = TimeSpan.FromHours(1);
    private const int TrackedAddressesBeforePruning = 10_000;

    private readonly ConcurrentDictionary<IPAddress, Failures> _failures = new();
    private readonly PartitionedRateLimiter<string> _accountChecks;
    private readonly TimeProvider _time;
    private readonly int _failuresBeforeLockout;
    private readonly RefusalLog _refusals;
    private readonly ILogger<LoginThrottle> _logger;

    public LoginThrottle(TimeProvider time, IOptions<MasterOptions> options, ILogger<LoginThrottle> logger)
    {
        _time = time;
        _failuresBeforeLockout = options.Value.LoginFailuresBeforeLockout;
        _refusals = new RefusalLog(time);
        _logger = logger;
        _accountChecks = PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetConcurrencyLimiter(
            user.ToUpperInvariant(),
            _ => new ConcurrencyLimiterOptions { PermitLimit = AccountChecksAtOnce, QueueLimit = AccountQueue, QueueProcessingOrder = QueueProcessingOrder.OldestFirst }));
    }

    /// <summary>How long <paramref name="address"/> is still locked out, or null when it may try.</summary>
    public TimeSpan? LockedFor(IPAddress address, string user)
    {
        if (_failures.TryGetValue(ClientAddress.Group(address), out var failures) && failures.LockedUntil > _time.GetUtcNow())
        {
            if (_refusals.ShouldLog())
            {
                LogStillLocked(ClientAddress.Display(address), user, failures.LockedUntil);
            }

            return failures.LockedUntil - _time.GetUtcNow();
        }

        return null;
    }

    /// <summary>Waits for a turn to check a password of <paramref name="user"/>; a lease that is not acquired means too many are waiting.</summary>
    public ValueTask<RateLimitLease> TakeTurnAsync(string user, CancellationToken cancellationToken) =>
        _accountChecks.AcquireAsync(user, 1, cancellationToken);

    /// <summary>Counts a wrong password from <paramref name="address"/>; locks it out once there were too many in a row.</summary>
    public void Failed(IPAddress address, string user)
    {
        var now = _time.GetUtcNow();
        var group = ClientAddress.Group(address);
        var updated = _failures.AddOrUpdate(group, _ => Next(new Failures(0, now, DateTimeOffset.MinValue), now), (_, current) => Next(current, now));
        var display = ClientAddress.Display(address);
        if (updated.LockedUntil > now)
        {
            LogLockedOut(display, user, updated.Count, (int)Math.Ceiling((updated.LockedUntil - now).TotalSeconds));
        }
        else
        {
            LogWrongPassword(display, user, updated.Count);
        }

        if (_failures.Count > TrackedAddressesBeforePruning)
        {
            Prune(now);
        }
    }

    /// <summary>A right password from <paramref name="address"/> ends its run of wrong ones.</summary>
    public void Succeeded(IPAddress address) => _failures.TryRemove(ClientAddress.Group(address), out _);

    public void Dispose() => _accountChecks.Dispose();

    private Failures Next(Failures current, DateTimeOffset now)
    {
        var count = now - current.LastFailure > FailureMemory ? 1 : current.Count + 1;
        var lockedUntil = current.LockedUntil;
        if (count >= _failuresBeforeLockout)
        {
            var doublings = Math.Min(count - _failuresBeforeLockout, 10);
            var lockout = TimeSpan.FromTicks(Math.Min(FirstLockout.Ticks << doublings, LongestLockout.Ticks));
            lockedUntil = now + lockout;
        }

        return new Failures(count, now, lockedUntil);
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (address, failures) in _failures)
        {
            if (failures.LockedUntil <= now && now - failures.LastFailure > FailureMemory)
            {
                _failures.TryRemove(new KeyValuePair<IPAddress, Failures>(address, failures));
            }
        }
    }

    private readonly record struct Failures(int Count, DateTimeOffset LastFailure, DateTimeOffset LockedUntil);

    [LoggerMessage(LogLevel.Warning, "Wrong password for {User} from {Address} ({Failures} in a row)")]
    private partial void LogWrongPassword(string address, string user, int failures);

    [LoggerMessage(LogLevel.Warning, "Locked out {Address} for {Seconds} s after {Failures} wrong passwords in a row for {User} (BACKUPD_LOGIN_FAILURES_BEFORE_LOCKOUT); other addresses can still log in")]
    private partial void LogLockedOut(string address, string user, int failures, int seconds);

    [LoggerMessage(LogLevel.Warning, "Refused a login for {User} from {Address}: locked out until {LockedUntil}")]
    private partial void LogStillLocked(string address, string user, DateTimeOffset lockedUntil);
}
