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
    UrlEncoder encoder,
    TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>The claim that carries the serial number of the caller's certificate.</summary>
    public const string CertificateSerialClaim = "backupd:certificate-serial";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Context.Features.Get<NodeConnectionFeature>() is not { Accepted: true } node)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        // A connection does not outlive the certificate that opened it.
        if (time.GetUtcNow() >= node.NotAfter)
        {
            return Task.FromResult(AuthenticateResult.Fail($"The certificate of node {node.NodeId} expired at {node.NotAfter:u}."));
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, node.NodeId), new Claim(ClaimTypes.NameIdentifier, node.NodeId),
                new Claim(ClaimTypes.Role, AuthSchemes.NodeRole), new Claim(CertificateSerialClaim, node.SerialNumber),
            ],
            Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
