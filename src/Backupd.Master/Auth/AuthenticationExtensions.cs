using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Backupd.Master.Auth;

/// <summary>Registers the API's authentication: bearer tokens everywhere, Basic only where asked for.</summary>
public static class AuthenticationExtensions
{
    /// <summary>Adds both schemes, a fallback policy that requires a bearer token, and the admin bootstrap.</summary>
    public static IServiceCollection AddBackupdAuthentication(this IServiceCollection services)
    {
        services.AddAuthentication(AuthSchemes.ApiToken)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(AuthSchemes.ApiToken, null)
            .AddScheme<AuthenticationSchemeOptions, AdminPasswordAuthenticationHandler>(AuthSchemes.AdminPassword, null)
            .AddScheme<AuthenticationSchemeOptions, NodeApi.NodeCertificateAuthenticationHandler>(AuthSchemes.NodeCertificate, null);

        // Deny by default: a route (or an unknown path) is open only where it says AllowAnonymous,
        // and only to admins; a node reaches nothing but the node API, and only with its certificate.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(AuthSchemes.ApiToken).RequireRole(AuthSchemes.AdminRole).Build())
            .AddPolicy(AuthPolicies.AdminPassword, policy => policy.AddAuthenticationSchemes(AuthSchemes.AdminPassword).RequireAuthenticatedUser())
            .AddPolicy(AuthPolicies.Node, policy => policy.AddAuthenticationSchemes(AuthSchemes.NodeCertificate).RequireRole(AuthSchemes.NodeRole));

        services.AddHostedService<AdminAccountBootstrapper>();
        return services;
    }
}
