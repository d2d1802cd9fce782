using System.Net;
using System.Net.Http.Json;
using Backupd.TestBed;
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

    // A failed step says what the browser and the master saw, not only which locator timed out.
    private async Task StepsAsync(Func<Task> steps, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        try
        {
            await steps();
        }
        catch (Exception ex) when (ex is PlaywrightException or TimeoutException or Xunit.Sdk.XunitException)
        {
            await _browser.ScreenshotOpenPagesAsync("failed-" + test);
            var master = fixture.Master.Output;
            throw new Xunit.Sdk.XunitException(
                $"{ex.Message}\n--- browser errors:\n{string.Join('\n', _browser.Errors)}\n--- master's last output:\n{master[Math.Max(0, master.Length - 6000)..]}", ex);
        }
    }

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
        // A sign-in posted without the form's antiforgery token (from another site) is refused, and gets no session.
        using var forged = await http.PostAsync("/auth/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["password"] = MasterProcess.AdminPassword }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(forged.Headers.TryGetValues("Set-Cookie", out var forgedCookies) && forgedCookies.Any(c => c.StartsWith("backupd-session=", StringComparison.Ordinal)));
        using var styles = await http.GetAsync("/_content/MudBlazor/MudBlazor.min.css");
        Assert.Equal(HttpStatusCode.OK, styles.StatusCode);

        // Signed in, a sign-out posted without the token (a same-site page forcing it) is refused too, and the session stands.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = fixture.Master.BaseUrl };
        await SignInOverHttpAsync(browser);
        using var forcedOut = await browser.PostAsync("/auth/signout", null);
        Assert.Equal(HttpStatusCode.BadRequest, forcedOut.StatusCode);
        using var stillIn = await browser.GetAsync("/nodes");
        Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        Assert.Contains("no-store", stillIn.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
    }

    // What a browser does: fetch the form (its antiforgery cookie and token), post the password.
    private static async Task SignInOverHttpAsync(HttpClient browser)
    {
        var form = await browser.GetStringAsync("/signin");
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var signedIn = await browser.PostAsync("/auth/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["password"] = MasterProcess.AdminPassword,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public Task An_admin_signs_in_approves_a_node_by_the_code_on_its_console_sees_it_come_online_without_a_reload_and_signs_out() => StepsAsync(async () =>
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
        await InteractiveAsync(page);
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

        // With the keyboard alone: Tab to the code, type it, Enter.
        await page.GetByLabel("Registration code").FillAsync("");
        await page.Locator("body").FocusAsync();
        for (var tabs = 0; tabs < 40 && !await page.EvaluateAsync<bool>("() => document.activeElement?.closest('#approve-form') !== null && document.activeElement.tagName === 'INPUT'"); tabs++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        await page.Keyboard.TypeAsync(code.ToLowerInvariant());
        await page.Keyboard.PressAsync("Enter");
        var nodeId = await WaitForNodeIdAsync(node);
        var row = page.Locator("#nodes tr", new() { HasText = nodeId });
        await Expect(row).ToContainTextAsync("online", new() { Timeout = 30_000 });
        await Expect(page.Locator("#pending-nodes")).ToHaveCountAsync(0);
        await DashboardBrowser.ScreenshotAsync(page, "nodes-1366");
        await page.Locator($"a[href='/jobs?node={nodeId}']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/jobs\\?node={nodeId}$"));
        await Expect(page.Locator("#jobs")).ToContainTextAsync("No job matches");

        var session = (await page.Context.CookiesAsync()).Single(c => c.Name == "backupd-session").Value;
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("You are signed out.");
        // The session ended on the master, not only in this browser: a copy of the cookie is refused.
        using (var stolen = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = fixture.Master.BaseUrl })
        {
            stolen.DefaultRequestHeaders.Add("Cookie", "backupd-session=" + session);
            using var replayed = await stolen.GetAsync("/nodes");
            Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        }

        await page.GotoAsync("/nodes");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/signin"));
        Assert.True(_browser.Errors.Count == 0, string.Join('\n', _browser.Errors));
    });

    [Fact]
    public Task A_running_job_shows_its_progress_move_and_its_end_without_a_reload_another_is_cancelled_and_a_restores_kept_copy_is_discarded_from_their_pages() => StepsAsync(async () =>
    {
        var site = await fixture.WordPress.CreateSiteAsync();
        // Incompressible, about 8 s of upload at the node's limit: long enough to watch.
        await File.WriteAllBytesAsync(Path.Combine(site.UploadsPath, "big.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(JobsEndToEndFixture.NodeBandwidthMbps * 1_000_000 / 8 * 8));
        var page = await SignInAsync(DashboardBrowser.Desktop);

        // Started from the Jobs page: a config that is not JSON is refused under the field, then a good one starts the job.
        await GoAsync(page, "/jobs");
        await page.GetByRole(AriaRole.Button, new() { Name = "New job" }).ClickAsync();
        var form = page.Locator("#job-form");
        await form.GetByLabel("Node").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = $"({fixture.NodeId})", Exact = false }).ClickAsync();
        await form.GetByLabel("Provider").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "local test", Exact = true }).ClickAsync();
        await page.GetByLabel("Module config (JSON)").FillAsync("{\"path\": ");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the job" }).ClickAsync();
        await Expect(page.Locator("#job-form")).ToContainTextAsync("config is not JSON");
        await page.GetByLabel("Module config (JSON)").FillAsync("{\"path\": \"relative/site\"}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the job" }).ClickAsync();
        await Expect(page.Locator("#job-form")).ToContainTextAsync("config.path");
        await page.GetByLabel("Module config (JSON)").FillAsync(System.Text.Json.JsonSerializer.Serialize(new { path = site.RootPath }));
        await page.GetByRole(AriaRole.Button, new() { Name = "Start the job" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/jobs/[0-9a-z]+$"));
        await InteractiveAsync(page);
        var id = page.Url.Split('/')[^1];
        var started = await fixture.GetJobAsync(id);
        Assert.Equal(fixture.NodeId, started.GetProperty("nodeId").GetString());
        Assert.Equal(fixture.ProviderId, started.GetProperty("providerId").GetString());

        await page.EvaluateAsync("() => window.notReloaded = true");
        var upload = page.Locator("[data-stage=upload_remote] .stage-progress");
        await Expect(upload).ToContainTextAsync(" of ", new() { Timeout = 60_000 });
        var first = await upload.InnerTextAsync();
        await Expect(upload).Not.ToHaveTextAsync(first, new() { Timeout = 10_000 });
        await Expect(upload).ToContainTextAsync("/s", new() { Timeout = 10_000 });
        await DashboardBrowser.ScreenshotAsync(page, "job-running-1366");
        await Expect(page.Locator("[data-state=completed]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.True(await page.EvaluateAsync<bool>("() => window.notReloaded === true"), "the page was reloaded");
        var job = await fixture.GetJobAsync(id);
        await Expect(page.Locator("#job-result")).ToContainTextAsync(job.GetProperty("result").GetProperty("sha256").GetString()!);
        await DashboardBrowser.ScreenshotAsync(page, "job-completed-1366");

        // Proven from its page: Verify, then Test-restore, each opens its own job, which ends
        // completed, and the backup's page then says when it was verified and proven restorable.
        await Expect(page.Locator("#job-proven")).ToContainTextAsync("not yet");
        foreach (var (button, row) in new[] { ("Verify", "#job-verified"), ("Test-restore", "#job-proven") })
        {
            await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
            // The new job's page, not the backup's still on screen.
            await Expect(page.Locator(".job-id")).Not.ToHaveTextAsync(id, new() { Timeout = 30_000 });
            await Expect(page.Locator("[data-state=completed]")).ToBeVisibleAsync(new() { Timeout = 90_000 });
            await GoAsync(page, $"/jobs/{id}");
            // The backup's record takes the outcome as its job ends; the page shows it as it lands.
            await Expect(page.Locator(row)).ToContainTextAsync("passed", new() { Timeout = 30_000 });
        }

        var proven = (await fixture.GetJobAsync(id)).GetProperty("lastTestRestore");
        Assert.True(proven.GetProperty("passed").GetBoolean(), proven.ToString());
        await Expect(page.Locator("#job-proven a")).ToHaveAttributeAsync("href", $"/jobs/{proven.GetProperty("restoreJobId").GetString()}");

        // A restore in place keeps what it replaced: its page says so, and Discard (confirmed)
        // starts the job that removes it, after which the restore's page says by which job.
        using var restore = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/restores", new { jobId = id, parts = new[] { "files" }, paths = new[] { "plugins" } });
        var restoreBody = await restore.Content.ReadAsStringAsync();
        Assert.True(restore.StatusCode == System.Net.HttpStatusCode.Created, restoreBody);
        var restoreId = System.Text.Json.JsonDocument.Parse(restoreBody).RootElement.GetProperty("id").GetString()!;
        var restored = await fixture.WaitForJobAsync(restoreId, JobsEndToEndFixture.IsFinished, TimeSpan.FromMinutes(2));
        Assert.True(restored.GetProperty("state").GetString() == "completed", restored.ToString());
        await GoAsync(page, $"/jobs/{restoreId}");
        await Expect(page.Locator("#job-kept")).ToContainTextAsync("What this restore replaced is kept");
        await DashboardBrowser.ScreenshotAsync(page, "job-restore-kept-1366");
        await page.GetByRole(AriaRole.Button, new() { Name = "Discard the kept copy" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Discard the kept copy" }).ClickAsync();
        await Expect(page.Locator(".job-id")).Not.ToHaveTextAsync(restoreId, new() { Timeout = 30_000 });
        await Expect(page.Locator("[data-state=completed]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var discardId = page.Url.Split('/')[^1];
        await GoAsync(page, $"/jobs/{restoreId}");
        await Expect(page.Locator("#job-kept")).ToContainTextAsync($"removed by job {discardId}", new() { Timeout = 30_000 });
        Assert.Empty(Directory.EnumerateFileSystemEntries(site.RootPath, "wp-content.pre-restore-*"));

        var cancelled = await fixture.CreateJobAsync(new { path = site.RootPath });
        await GoAsync(page, $"/jobs/{cancelled}");
        await Expect(page.Locator("[data-stage=upload_remote] .stage-status")).ToHaveTextAsync("running", new() { Timeout = 60_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cancel the job" }).ClickAsync();
        await Expect(page.Locator("[data-state=cancelled]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        Assert.Equal("cancelled", (await fixture.GetJobAsync(cancelled)).GetProperty("state").GetString());

        await GoAsync(page, "/jobs");
        await Expect(page.Locator("#jobs")).ToContainTextAsync(id);
        await Expect(page.Locator("#jobs")).ToContainTextAsync(cancelled);

        // The list re-reads at every job's change (each second while one runs). The row of a job
        // whose state changes stays the same element through the re-read, so a click on it opens
        // the job instead of landing on a row just replaced (and being lost without a word).
        var another = await fixture.CreateJobAsync(new { path = site.RootPath });
        var anotherRow = page.Locator("#jobs tbody tr", new() { HasText = another });
        await Expect(anotherRow.Locator("[data-state=running]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var rowElement = await anotherRow.ElementHandleAsync();
        using (await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/jobs/{another}/cancel"))
        {
            await Expect(anotherRow.Locator("[data-state=cancelled], [data-state=completed]")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        }

        Assert.True(await rowElement.EvaluateAsync<bool>("row => row.isConnected"), "a re-read of the jobs list replaced the row of the job that changed");
        await anotherRow.Locator("td").Nth(2).ClickAsync();
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/jobs/{another}$"));
        await GoAsync(page, "/jobs");
        await Expect(page.Locator("#jobs")).ToContainTextAsync(cancelled);
        await DashboardBrowser.ScreenshotAsync(page, "jobs-1366");
        await page.SetViewportSizeAsync(DashboardBrowser.Phone.Width, DashboardBrowser.Phone.Height);
        await DashboardBrowser.ScreenshotAsync(page, "jobs-390");
        await GoAsync(page, $"/jobs/{id}");
        await Expect(page.Locator("[data-state=completed]")).ToBeVisibleAsync();
        await DashboardBrowser.ScreenshotAsync(page, "job-completed-390");
        Assert.True(_browser.Errors.Count == 0, string.Join('\n', _browser.Errors));
    });

    [Fact]
    public Task Providers_are_created_with_errors_named_by_field_and_an_s3_secret_never_comes_back_to_the_browser() => StepsAsync(async () =>
    {
        var page = await SignInAsync(DashboardBrowser.Desktop);
        var secret = "dashboard-secret-" + Guid.NewGuid().ToString("N");
        var seen = new System.Collections.Concurrent.ConcurrentBag<string>();
        page.WebSocket += (_, socket) => socket.FrameReceived += (_, frame) =>
            seen.Add(frame.Text ?? System.Text.Encoding.UTF8.GetString(frame.Binary ?? []));
        page.Response += async (_, response) =>
        {
            try
            {
                seen.Add(await response.TextAsync());
            }
            catch (PlaywrightException)
            {
                // A redirect or a response whose body is gone: nothing to read.
            }
        };

        await page.GetByRole(AriaRole.Link, new() { Name = "Providers" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New provider" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#provider-form")).ToContainTextAsync("name is required");
        await page.GetByLabel("Name").FillAsync("nightly folder");
        await page.GetByLabel("Folder path").FillAsync(fixture.StorageDir);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#providers")).ToContainTextAsync("nightly folder");

        await page.GetByRole(AriaRole.Button, new() { Name = "New provider" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("offsite s3");
        await page.GetByLabel("Type").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "S3 or S3-compatible (B2, MinIO…)" }).ClickAsync();
        await page.GetByLabel("Endpoint").FillAsync(fixture.S3.ServiceUrl.ToString());
        await page.GetByLabel("Region").FillAsync(S3rverServer.Region);
        await page.GetByLabel("Bucket").FillAsync(fixture.S3.BucketName);
        await page.GetByLabel("Access key id").FillAsync(S3rverServer.AccessKey);
        await page.GetByLabel("Secret access key").FillAsync(secret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        var s3Row = page.Locator("#providers tr", new() { HasText = "offsite s3" });
        await Expect(s3Row).ToContainTextAsync("set");
        await DashboardBrowser.ScreenshotAsync(page, "providers-1366");

        // s3rver takes any secret: the test writes, reads and deletes for real, and answers in words.
        await page.GetByRole(AriaRole.Button, new() { Name = "Test offsite s3" }).ClickAsync();
        await Expect(page.Locator("#provider-test")).ToContainTextAsync("offsite s3 works: the master wrote, read back and deleted a test object.", new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Test nightly folder" }).ClickAsync();
        await Expect(page.Locator("#provider-test")).ToContainTextAsync("a local folder on the nodes, which the master cannot see");
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit offsite s3" }).ClickAsync();
        await Expect(page.GetByLabel("Secret access key")).ToHaveAttributeAsync("placeholder", "set: type to replace");
        await page.ReloadAsync();
        await InteractiveAsync(page);
        await Expect(page.Locator("#providers")).ToContainTextAsync("offsite s3");

        seen.Add(await page.ContentAsync());
        Assert.DoesNotContain(seen, text => text.Contains(secret, StringComparison.Ordinal));
        Assert.True(_browser.Errors.Count == 0, string.Join('\n', _browser.Errors));
    });

    [Fact]
    public Task A_schedule_with_a_bad_cron_is_refused_on_that_field_and_a_good_one_shows_its_reading_and_next_runs() => StepsAsync(async () =>
    {
        var page = await SignInAsync(DashboardBrowser.Desktop);
        await page.GetByRole(AriaRole.Link, new() { Name = "Schedules" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "New schedule" }).ClickAsync();
        await page.GetByLabel("Name").FillAsync("site nightly");
        var cron = page.GetByLabel("When (cron)");
        await cron.FillAsync("61 2 * * *");
        await Expect(page.Locator("#schedule-form")).ToContainTextAsync("'61 2 * * *' is not a valid cron expression");
        await DashboardBrowser.ScreenshotAsync(page, "schedule-bad-cron-1366");

        await cron.FillAsync("30 2 * * 1-5");
        await page.GetByLabel("Time zone").FillAsync("Europe/Berlin");
        await Expect(page.Locator("#cron-preview")).ToContainTextAsync("At 02:30, on Monday to Friday (Europe/Berlin)");
        await Expect(page.Locator("#cron-preview li")).ToHaveCountAsync(5);
        var firstRun = await page.Locator("#cron-preview li").First.InnerTextAsync();
        Assert.Matches("^(Mon|Tue|Wed|Thu|Fri) \\d{4}-\\d{2}-\\d{2} 02:30$", firstRun);

        var site = await fixture.WordPress.CreateSiteAsync();
        await page.GetByLabel("Node").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { NameRegex = new System.Text.RegularExpressions.Regex(fixture.NodeId) }).ClickAsync();
        await page.GetByLabel("Provider").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "local test", Exact = true }).ClickAsync();
        await page.GetByLabel("Module config (JSON)").FillAsync($"{{\"path\": \"{site.RootPath}\"}}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#schedules")).ToContainTextAsync("site nightly");
        await Expect(page.Locator("#schedules")).ToContainTextAsync("At 02:30, on Monday to Friday");
        // Nothing proves its backups restore until test-restore is turned on.
        await Expect(page.Locator("#schedules")).ToContainTextAsync("not tested (turn on test-restore)");

        // A row's buttons live through the page's re-reads. A schedule made elsewhere while the page is
        // open re-reads the list; the button the admin is about to press must still be the element on
        // the page: when a re-read replaced the rows, a click sent in that moment named a handler the
        // server had dropped, and was lost without a word (the page sat there, no job started).
        var runNow = await page.GetByRole(AriaRole.Button, new() { Name = "Run site nightly now" }).ElementHandleAsync();
        using var weekly = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/schedules", new
        {
            name = "site weekly", cron = "0 4 * * 0", enabled = false, nodeId = fixture.NodeId, module = "wordpress",
            config = new { path = site.RootPath }, providerId = fixture.ProviderId,
        });
        Assert.Equal(HttpStatusCode.Created, weekly.StatusCode);
        await Expect(page.Locator("#schedules")).ToContainTextAsync("site weekly");
        Assert.True(await runNow.EvaluateAsync<bool>("button => button.isConnected"), "a re-read of the list replaced the row the admin was about to click");

        // Run now starts the WordPress backup and opens its page, which follows it to the end.
        await runNow.ClickAsync();
        // Creating the first job of a fresh master compiles its code paths first: allow it a while.
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/jobs/[0-9a-f]{32}$"), new() { Timeout = 90_000 });
        await Expect(page.Locator("[data-state=completed]")).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await Expect(page.Locator("#job-result")).ToContainTextAsync("SHA-256");
        var weeklyId = (await weekly.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString();
        using var removed = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/v1/schedules/{weeklyId}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        await page.GoBackAsync();
        await InteractiveAsync(page);
        await Expect(page.Locator("#schedules tr", new() { HasText = "site nightly" })).ToContainTextAsync("Completed");
        await DashboardBrowser.ScreenshotAsync(page, "schedules-1366");
        await page.SetViewportSizeAsync(DashboardBrowser.Phone.Width, DashboardBrowser.Phone.Height);
        await DashboardBrowser.ScreenshotAsync(page, "schedules-390");
        Assert.True(_browser.Errors.Count == 0, string.Join('\n', _browser.Errors));
    });

    [Fact]
    public Task Every_page_works_at_1366_and_390_wide_with_no_console_error_and_a_token_made_there_works_once_and_not_after_revoking() => StepsAsync(async () =>
    {
        foreach (var (size, width) in new[] { (DashboardBrowser.Desktop, 1366), (DashboardBrowser.Phone, 390) })
        {
            var page = await SignInAsync(size);
            foreach (var (path, heading) in new[] { ("/", "Overview"), ("/nodes", "Nodes"), ("/jobs", "Jobs"), ("/schedules", "Schedules"), ("/providers", "Storage providers"), ("/settings", "Settings") })
            {
                await GoAsync(page, path);
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync();
                // Nothing wider than the window: no sideways scrolling at either size.
                Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), $"{path} scrolls sideways at {width} px");
                await DashboardBrowser.ScreenshotAsync(page, $"{(path == "/" ? "overview" : path.Trim('/'))}-{width}");
            }
        }

        var settings = await SignInAsync(DashboardBrowser.Desktop);
        await GoAsync(settings, "/settings");
        await settings.GetByLabel("Your password, to make a token").FillAsync("wrong password");
        await settings.GetByRole(AriaRole.Button, new() { Name = "Make a token" }).ClickAsync();
        await Expect(settings.Locator("#api-tokens")).ToContainTextAsync("do not match an administrator");
        await settings.GetByLabel("Your password, to make a token").FillAsync(MasterProcess.AdminPassword);
        await settings.GetByRole(AriaRole.Button, new() { Name = "Make a token" }).ClickAsync();
        var token = (await settings.Locator("#new-token code").InnerTextAsync()).Trim();
        using var api = new HttpClient { BaseAddress = fixture.Master.BaseUrl };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using (var works = await api.GetAsync("/api/v1/nodes"))
        {
            Assert.Equal(HttpStatusCode.OK, works.StatusCode);
        }

        var id = token.Split('_')[1][..24];
        await settings.GetByRole(AriaRole.Button, new() { Name = $"Revoke token {id}" }).ClickAsync();
        await settings.GetByRole(AriaRole.Button, new() { Name = "Revoke it" }).ClickAsync();
        await Expect(settings.Locator("#api-tokens tr", new() { HasText = id })).ToContainTextAsync("revoked");
        using (var refused = await api.GetAsync("/api/v1/nodes"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        await settings.GetByRole(AriaRole.Button, new() { Name = "Check every stored secret" }).ClickAsync();
        await Expect(settings.Locator("#secret-key")).ToContainTextAsync("Every stored secret opens with the configured keys.");

        // What REST's /api/v1/system answers is on the page, and the index is rebuilt from it.
        var system = await fixture.Api.GetJsonAsync("/api/v1/system");
        await Expect(settings.Locator("#this-master")).ToContainTextAsync(system.GetProperty("nodeCaFingerprint").GetString()!);
        await settings.GetByRole(AriaRole.Button, new() { Name = "Rebuild the index" }).ClickAsync();
        await Expect(settings.Locator(".mud-snackbar", new() { HasText = "Index rebuilt:" })).ToContainTextAsync(" node(s), ");

        // The wrong password above was provoked on purpose; the page itself logged nothing.
        Assert.True(_browser.Errors.All(error => error.Contains("/auth/", StringComparison.Ordinal)), string.Join('\n', _browser.Errors));
    });

    private async Task<IPage> SignInAsync(ViewportSize size)
    {
        var page = await _browser.NewPageAsync(fixture.Master.BaseUrl, size);
        await page.GotoAsync("/signin");
        await page.GetByLabel("Password").FillAsync(MasterProcess.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Overview", Level = 1 })).ToBeVisibleAsync();
        await InteractiveAsync(page);
        return page;
    }

    // A page the server sent shows at once; its buttons work once the circuit has taken it over.
    private static Task InteractiveAsync(IPage page) =>
        Expect(page.Locator("[data-interactive=true]")).ToBeVisibleAsync();

    private static async Task GoAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await InteractiveAsync(page);
    }

    private static async Task<string> WaitForNodeIdAsync(NodeProcess node) =>
        (await node.Process.WaitForOutputAsync(@"Connected to the master as node ([0-9a-z]+)", TimeSpan.FromSeconds(60))).Groups[1].Value;
}
