using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Logging;

namespace Backupd.Dashboard;

/// <summary>
/// Ends an open page's session when it expires or is signed out elsewhere: a circuit outlives the
/// request that opened it, so the cookie's own expiry is never looked at again without this.
/// </summary>
public sealed class SessionRevalidation(DashboardSessions sessions, ILoggerFactory loggers)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(30);

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        sessions.IsValidAsync(authenticationState.User);
}
