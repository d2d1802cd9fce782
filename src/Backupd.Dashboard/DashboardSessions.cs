using System.Collections.Concurrent;

namespace Backupd.Dashboard;

/// <summary>
/// Sessions signed out before their cookie expired. A cookie cannot be taken back from a browser,
/// and an open page keeps its circuit without sending the cookie again, so each check of an open
/// page (<see cref="SessionRevalidation"/>) and each request asks here too.
/// </summary>
/// <remarks>
/// Held in this master's memory: with several master silos, a sign-out ends the session on the
/// silo that handled it at once and on the others when the session expires.
/// </remarks>
public sealed class DashboardSessions(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _ended = new(StringComparer.Ordinal);

    /// <summary>Ends <paramref name="sessionId"/>, which would otherwise last until <paramref name="expiresAt"/>.</summary>
    public void End(string sessionId, DateTimeOffset expiresAt)
    {
        var now = time.GetUtcNow();
        // Forget sessions that would have expired anyway, so the set stays as small as the sessions still open.
        foreach (var (id, until) in _ended)
        {
            if (until <= now)
            {
                _ended.TryRemove(id, out _);
            }
        }

        _ended[sessionId] = expiresAt;
    }

    /// <summary>Whether <paramref name="sessionId"/> was signed out.</summary>
    public bool HasEnded(string sessionId) => _ended.ContainsKey(sessionId);
}
