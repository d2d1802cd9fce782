using System.Globalization;
using System.Security.Claims;
using Backupd.Grains.Auth;

namespace Backupd.Dashboard;

/// <summary>
/// Whether a dashboard session still holds: not expired, and not signed out. A cookie cannot be
/// taken back from a browser, and an open page keeps its circuit without sending the cookie
/// again, so each request and each check of an open page (<see cref="SessionRevalidation"/>)
/// asks here. Sign-outs are kept by the admin's account grain until the session would have
/// expired, so they hold on every silo and after restarts.
/// </summary>
public sealed class DashboardSessions(IGrainFactory grains, TimeProvider time)
{
    /// <summary>Ends the session <paramref name="user"/> holds.</summary>
    public async Task EndAsync(ClaimsPrincipal user)
    {
        if (Session(user) is { } session)
        {
            await grains.GetGrain<IAdminAccountGrain>(DashboardSignIn.AdminUser).EndSessionAsync(session.Id, session.ExpiresAt);
        }
    }

    /// <summary>Whether <paramref name="user"/> holds a session that has neither expired nor been signed out.</summary>
    public async Task<bool> IsValidAsync(ClaimsPrincipal user) =>
        Session(user) is { } session
        && time.GetUtcNow() < session.ExpiresAt
        && !await grains.GetGrain<IAdminAccountGrain>(DashboardSignIn.AdminUser).HasSessionEndedAsync(session.Id);

    private static (string Id, DateTimeOffset ExpiresAt)? Session(ClaimsPrincipal user) =>
        user.FindFirst(DashboardAuth.SessionClaim)?.Value is { } id
        && long.TryParse(user.FindFirst(DashboardAuth.ExpiresClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            ? (id, DateTimeOffset.FromUnixTimeSeconds(expires))
            : null;
}
