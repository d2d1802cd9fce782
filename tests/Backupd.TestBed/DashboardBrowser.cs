using Microsoft.Playwright;

namespace Backupd.TestBed;

/// <summary>
/// Debian's chromium, headless, driven by Playwright: a browser cannot be downloaded here, so it is
/// started from <c>/usr/bin/chromium</c>. Keeps every console error and failed request of its
/// pages, and writes screenshots to <see cref="ScreenshotDir"/>.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    /// <summary>The desktop size the dashboard must work at.</summary>
    public static readonly ViewportSize Desktop = new() { Width = 1366, Height = 768 };

    /// <summary>The phone size the dashboard must work at.</summary>
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly List<string> _errors = [];
    private readonly List<IPage> _pages = [];

    private DashboardBrowser(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    /// <summary>
    /// Where screenshots go: <c>TestResults/dashboard</c> beside the project that runs (for the
    /// tests, <c>tests/Backupd.Tests/TestResults/dashboard</c>).
    /// </summary>
    public static string ScreenshotDir { get; } = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "TestResults", "dashboard"));

    /// <summary>Console errors, uncaught page errors and failed requests of every page so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    public static async Task<DashboardBrowser> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("BACKUPD_TEST_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"No browser at {executable}: ops/install-test-deps.sh installs Debian's chromium (or set BACKUPD_TEST_CHROMIUM).");
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = executable,
            Headless = true,
            // Containers and CI runners have a small /dev/shm, and run as users chromium's sandbox cannot use.
            Args = ["--disable-dev-shm-usage", "--no-sandbox"],
        });
        Directory.CreateDirectory(ScreenshotDir);
        return new DashboardBrowser(playwright, browser);
    }

    /// <summary>A new browser context (its own cookies) at <paramref name="size"/>, with one page open.</summary>
    public async Task<IPage> NewPageAsync(Uri baseUrl, ViewportSize size)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.ToString(), ViewportSize = size });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        lock (_pages)
        {
            _pages.Add(page);
        }

        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"console: {message.Text} ({page.Url})");
            }
        };
        page.PageError += (_, error) => Record($"page error: {error} ({page.Url})");
        page.RequestFailed += (_, request) =>
        {
            // A page left while its requests were under way is not a fault of the page.
            if (request.Failure is not ("net::ERR_ABORTED" or null))
            {
                Record($"request failed: {request.Method} {request.Url}: {request.Failure}");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400 && !response.Url.EndsWith("/favicon.ico", StringComparison.Ordinal))
            {
                Record($"HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
        return page;
    }

    /// <summary>Writes a full-page screenshot named <paramref name="name"/>.png.</summary>
    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });

    /// <summary>Screenshots of every page still open, named <paramref name="name"/>-N; what a failed test leaves to look at.</summary>
    public async Task ScreenshotOpenPagesAsync(string name)
    {
        IPage[] pages;
        lock (_pages)
        {
            pages = [.. _pages.Where(page => !page.IsClosed)];
        }

        for (var i = 0; i < pages.Length; i++)
        {
            try
            {
                await ScreenshotAsync(pages[i], $"{name}-{i + 1}");
            }
            catch (PlaywrightException)
            {
                // The page went away; the other screenshots still help.
            }
        }
    }

    /// <summary>Forgets the errors so far (those a test provoked on purpose).</summary>
    public void ClearErrors()
    {
        lock (_errors)
        {
            _errors.Clear();
        }
    }

    private void Record(string error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
