using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Auth;

/// <summary>
/// Reads <c>Authorization: Basic</c> credentials for the token endpoint. It only parses them:
/// the password is checked by the admin account grain when it issues the token, so the slow
/// hash runs once per request.
/// </summary>
public sealed class AdminPasswordAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    /// <summary>Key of the <c>HttpContext.Items</c> entry that carries the presented password to the endpoint.</summary>
    public const string PasswordItem = "backupd:presented-password";

    private const string BasicPrefix = "Basic ";
    private const int MaxUserNameLength = 64;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith(BasicPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[BasicPrefix.Length..].Trim()));
        }
        catch (FormatException)
        {
            return Task.FromResult(AuthenticateResult.Fail("The Basic credentials are not valid base64."));
        }

        var colon = decoded.IndexOf(':');
        if (colon <= 0)
        {
            return Task.FromResult(AuthenticateResult.Fail("The Basic credentials must be user:password."));
        }

        // The user name picks an account grain and reaches the log: a short, printable one only.
        if (colon > MaxUserNameLength || decoded[..colon].Any(char.IsControl))
        {
            return Task.FromResult(AuthenticateResult.Fail($"The user name must be 1 to {MaxUserNameLength} printable characters."));
        }

        // The password stays in the request's items, never in a claim that could be logged or serialised.
        Context.Items[PasswordItem] = decoded[(colon + 1)..];
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, decoded[..colon])], Scheme.Name);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Basic realm=\"backupd\", charset=\"UTF-8\"";
        return AuthProblems.WriteAsync(Context, null,
            "This route needs HTTP Basic credentials: admin:<password>. The first password is BACKUPD_ADMIN_PASSWORD or the one written to <data dir>/initial-admin-password.");
    }
}
