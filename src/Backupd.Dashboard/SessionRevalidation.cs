using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;

namespace Backupd.Dashboard;

/// <summary>
/// Ends an open page's session when it expires or is signed out elsewhere: a circuit outlives the
/// request that opened it, so the cookie's own expiry is never looked at again without this.
/// </summary>
public sealed class SessionRevalidation(DashboardSessions sessions, TimeProvider time, ILoggerFactory loggers)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(30);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        Task.FromResult(IsValid(authenticationState.User, sessions, time.GetUtcNow()));

    /// <summary>Whether <paramref name="user"/> holds a session that has neither expired nor been signed out.</summary>
    public static bool IsValid(ClaimsPrincipal user, DashboardSessions sessions, DateTimeOffset now) =>
        user.FindFirst(DashboardAuth.SessionClaim)?.Value is { } session
        && long.TryParse(user.FindFirst(DashboardAuth.ExpiresClaim)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
        && now < DateTimeOffset.FromUnixTimeSeconds(expires)
        && !sessions.HasEnded(session);
}
