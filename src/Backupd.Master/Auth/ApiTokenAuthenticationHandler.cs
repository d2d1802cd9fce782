using System.Security.Claims;
using System.Text.Encodings.Web;
using Backupd.Contracts.Auth;
using Backupd.Grains.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Auth;

/// <summary>Accepts <c>Authorization: Bearer bkd_…</c> tokens checked against their grain.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    IGrainFactory grains) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var presented = header[BearerPrefix.Length..].Trim();
        if (!ApiTokenFormat.TryParse(presented, out var id, out var secret))
        {
            // Not ours (a node's key on the node API, which its own scheme checks): this scheme runs on
            // every request, and a failure here was a line in the log on every node heartbeat. Where
            // an admin route needs a token, no result is refused the same way a failure is.
            return AuthenticateResult.NoResult();
        }

        var userName = await grains.GetGrain<IApiTokenGrain>(id).VerifyAsync(secret);
        if (userName is null)
        {
            return AuthenticateResult.Fail("The API token is unknown or revoked.");
        }

        return Success(new Claim(ClaimTypes.Name, userName), new Claim(ClaimTypes.Role, AuthSchemes.AdminRole), new Claim(AuthSchemes.TokenIdClaim, id));
    }

    private AuthenticateResult Success(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name)), Scheme.Name));

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        AuthProblems.WriteAsync(Context, Scheme.Name,
            "This route needs 'Authorization: Bearer <token>'. Get a token with POST /api/v1/auth/tokens using HTTP Basic admin:<password>.");
}
