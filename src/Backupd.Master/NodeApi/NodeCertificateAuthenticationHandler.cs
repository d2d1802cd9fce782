using System.Security.Claims;
using System.Text.Encodings.Web;
using Backupd.Master.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Master.NodeApi;

/// <summary>
/// The node behind a node API request: the one whose certificate opened the connection, as
/// <see cref="NodeConnectionGate"/> confirmed with the node when the connection was made.
/// </summary>
public sealed class NodeCertificateAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.Features.Get<NodeConnectionFeature>() is not { Accepted: true, NodeId: var nodeId })
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, nodeId), new Claim(ClaimTypes.NameIdentifier, nodeId), new Claim(ClaimTypes.Role, AuthSchemes.NodeRole)],
            Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
