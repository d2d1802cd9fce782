using System.Net;
using Backupd.Tests.Jobs;
using Backupd.Tests.Processes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Backupd.Tests.Dashboard;

/// <summary>
/// The dashboard in Debian's chromium against a real master process, with real node processes and
/// the WordPress test bed of the jobs collection: what an admin does with it, clicked and typed.
/// </summary>
[Collection(JobsEndToEndCollection.Name)]
public sealed class DashboardEndToEndTests(JobsEndToEndFixture fixture) : IAsyncLifetime
{
    private DashboardBrowser _browser = null!;

    public async Task InitializeAsync() => _browser = await DashboardBrowser.LaunchAsync();

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    [Fact]
    public async Task Nothing_but_the_sign_in_page_and_its_files_is_reachable_signed_out()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Master.BaseUrl };
        foreach (var path in new[] { "/", "/nodes", "/nodes?x=1" })
        {
            using var page = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/signin", page.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        }

        // A path that is no page falls to the master's deny-by-default, like any unknown API route.
        using var unknown = await http.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);

        // The circuit's hub too: a signed-out browser cannot open a circuit and call components.
        using var hub = await http.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
        Assert.NotEqual(HttpStatusCode.OK, hub.StatusCode);
        using var signIn = await http.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("HttpOnly", string.Join(';', signIn.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
        using var styles = await http.GetAsync("/_content/MudBlazor/MudBlazor.min.css");
        Assert.Equal(HttpStatusCode.OK, styles.StatusCode);
    }

    [Fact]
    public async Task An_admin_signs_in_approves_a_node_by_the_code_on_its_console_sees_it_come_online_without_a_reload_and_signs_out()
    {
        var page = await _browser.NewPageAsync(fixture.Master.BaseUrl, DashboardBrowser.Desktop);
        await page.GotoAsync("/nodes");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin\\?returnUrl=%2Fnodes$"));

        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("do not match an administrator");
        await DashboardBrowser.ScreenshotAsync(page, "signin-refused-1366");
        _browser.ClearErrors();

        await page.GetByLabel("Password").FillAsync(MasterProcess.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Nodes", Exact = true, Level = 1 })).ToBeVisibleAsync();
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "backupd-session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        await using var node = new NodeProcess(fixture.Master.BaseUrl);
        node.Start();
        var code = await node.WaitForCodeAsync();
        // Registrations are pushed too: the one just made shows without a reload.
        await Expect(page.Locator("#pending-nodes")).ToContainTextAsync(Environment.MachineName, new() { Timeout = 10_000 });

        await page.GetByLabel("Registration code").FillAsync("AAAA");
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.GetByText("Code must be the 5 characters the node shows on its console.")).ToBeVisibleAsync();

        await page.GetByLabel("Registration code").FillAsync(code.ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        var nodeId = await WaitForNodeIdAsync(node);
        var row = page.Locator("#nodes tr", new() { HasText = nodeId });
        await Expect(row).ToContainTextAsync("online", new() { Timeout = 30_000 });
        await Expect(page.Locator("#pending-nodes")).ToHaveCountAsync(0);
        await DashboardBrowser.ScreenshotAsync(page, "nodes-1366");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You are signed out.");
        await page.GotoAsync("/nodes");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        Assert.True(_browser.Errors.Count == 0, string.Join('\n', _browser.Errors));
    }

    private static async Task<string> WaitForNodeIdAsync(NodeProcess node) =>
        (await node.Process.WaitForOutputAsync(@"Connected to the master as node ([0-9a-z]+)", TimeSpan.FromSeconds(60))).Groups[1].Value;
}
