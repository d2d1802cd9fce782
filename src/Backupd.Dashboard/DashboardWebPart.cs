using Backupd.Dashboard.Components;
using Backupd.Master.Auth;
using Backupd.Master.Hosting;
using Backupd.Master.Options;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Backupd.Dashboard;

/// <summary>The dashboard in the master's host: Blazor Server pages at <c>/</c> behind a sign-in of their own.</summary>
public sealed class DashboardWebPart : IMasterWebPart
{
    public void AddServices(WebApplicationBuilder builder, MasterOptions options)
    {
        // A build's output (tests, dotnet run) serves MudBlazor's files from where the build left
        // them; a published copy has them in wwwroot and finds no manifest to read here.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<DashboardSessions>();
        builder.Services.AddSingleton<DashboardFeed>();
        builder.Services.AddSingleton<Overview.OverviewReads>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<DashboardFeed>());
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();

        builder.Services.AddAuthentication().AddCookie(DashboardAuth.Scheme, cookie =>
        {
            cookie.Cookie.Name = DashboardAuth.CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the dashboard is served over HTTPS; always, when a TLS proxy in front
            // makes every request look like plain HTTP to the master (BACKUPD_DASHBOARD_HTTPS_ONLY).
            cookie.Cookie.SecurePolicy = SecurePolicy(options);
            cookie.ExpireTimeSpan = options.DashboardSession;
            cookie.SlidingExpiration = false;
            cookie.LoginPath = DashboardAuth.SignInPath;
            cookie.AccessDeniedPath = DashboardAuth.SignInPath;
            cookie.ReturnUrlParameter = "returnUrl";
            cookie.Events.OnValidatePrincipal = async context =>
            {
                var sessions = context.HttpContext.RequestServices.GetRequiredService<DashboardSessions>();
                if (context.Principal is null || !await sessions.IsValidAsync(context.Principal))
                {
                    context.RejectPrincipal();
                }
            };
        });
        builder.Services.AddAntiforgery(antiforgery => antiforgery.Cookie.SecurePolicy = SecurePolicy(options));
        builder.Services.AddAuthorizationBuilder().AddPolicy(DashboardAuth.Policy, policy => policy
            .AddAuthenticationSchemes(DashboardAuth.Scheme)
            .RequireRole(AuthSchemes.AdminRole));
    }

    private static CookieSecurePolicy SecurePolicy(MasterOptions options) =>
        options.DashboardHttpsOnly ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

    public void Map(WebApplication app)
    {
        app.UseAntiforgery();
        app.MapStaticAssets().AllowAnonymous();
        app.MapDashboardSignIn();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(DashboardAuth.Policy);
    }
}
