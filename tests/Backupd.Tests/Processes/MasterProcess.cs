using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Backupd.TestBed;

namespace Backupd.Tests.Processes;

/// <summary>
/// A real master process on free loopback ports with its own data dir, which outlives
/// restarts of the process so tests can check that state survives them.
/// </summary>
public sealed class MasterProcess : IAsyncDisposable
{
    public const string AdminPassword = "test-admin-password-0123";

    private readonly Dictionary<string, string> _environment;
    private BackupdProcess? _process;

    private readonly string? _executable;

    /// <param name="adminPassword">The first password of admin; generated when null.</param>
    /// <param name="extraEnvironment">More variables, over the defaults.</param>
    /// <param name="executable">An installed <c>backupd</c> to run instead of the build's.</param>
    /// <param name="dataDir">The data directory (an installed tree's); a new temporary one when null.</param>
    public MasterProcess(string? adminPassword = AdminPassword, IReadOnlyDictionary<string, string>? extraEnvironment = null, string? executable = null, string? dataDir = null)
    {
        _executable = executable;
        DataDir = dataDir ?? Directory.CreateTempSubdirectory("backupd-master-").FullName;
        BaseUrl = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        _environment = new Dictionary<string, string>
        {
            ["BACKUPD_MODE"] = "master",
            ["BACKUPD_DATA_DIR"] = DataDir,
            ["BACKUPD_URLS"] = BaseUrl.ToString().TrimEnd('/'),
            ["BACKUPD_SILO_PORT"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["BACKUPD_NODE_URLS"] = $"https://127.0.0.1:{FreePort.Next()}",
        };
        // Every test talks from 127.0.0.1: the brakes on anonymous routes would hold a shared master
        // back after a few dozen tests. BrakesTests runs a master with the shipped defaults.
        foreach (var (name, value) in Unbraked)
        {
            _environment[name] = value;
        }

        if (adminPassword is not null)
        {
            _environment["BACKUPD_ADMIN_PASSWORD"] = adminPassword;
        }

        foreach (var (key, value) in extraEnvironment ?? new Dictionary<string, string>())
        {
            _environment[key] = value;
        }

        Http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Limits far above what any test reaches, for the masters that do not test them.</summary>
    public static readonly IReadOnlyDictionary<string, string> Unbraked = new Dictionary<string, string>
    {
        ["BACKUPD_LOGIN_ATTEMPTS_PER_MINUTE"] = "100000",
        ["BACKUPD_LOGIN_FAILURES_BEFORE_LOCKOUT"] = "1000",
        ["BACKUPD_REGISTRATIONS_PER_HOUR"] = "100000",
        ["BACKUPD_REGISTRATION_MAX_PENDING_PER_ADDRESS"] = "100000",
        ["BACKUPD_REGISTRATION_MAX_PENDING"] = "100000",
    };

    public string DataDir { get; }

    /// <summary>The node API nodes connect to, with their certificates.</summary>
    public Uri NodeApiUrl => new(_environment["BACKUPD_NODE_URLS"]);

    /// <summary>The Orleans port silos talk to each other on.</summary>
    public int SiloPort => int.Parse(_environment["BACKUPD_SILO_PORT"], System.Globalization.CultureInfo.InvariantCulture);

    public Uri BaseUrl { get; }

    public HttpClient Http { get; }

    /// <summary>
    /// A client whose connections come from <paramref name="source"/> (any 127.0.0.0/8 address
    /// works on loopback), so that a test can be two clients the master tells apart by address.
    /// </summary>
    public HttpClient HttpFrom(string source)
    {
        var local = IPAddress.Parse(source);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Sets a variable for the next start, as an operator editing the unit file would.</summary>
    public void SetEnvironment(string name, string value) => _environment[name] = value;

    /// <summary>Output of the current (or last) process.</summary>
    public string Output => _process?.Output ?? "";

    public BackupdProcess Process => _process ?? throw new InvalidOperationException("The master is not running.");

    /// <summary>Starts the process and waits until <c>/healthz</c> answers 200.</summary>
    public async Task StartAsync(TimeSpan? timeout = null)
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _process = BackupdProcess.Start([], _environment, executable: _executable);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The master exited during start-up with code {await _process.WaitForExitAsync(TimeSpan.FromSeconds(5))}:\n{_process.Output}");
            }

            try
            {
                using var response = await Http.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The master did not become healthy in time:\n{_process.Output}");
    }

    /// <summary>Runs a master that is expected not to start: its exit code and everything it wrote.</summary>
    /// <param name="launcher">A command that runs it for us, such as <c>setpriv</c> to drop root.</param>
    public Task<(int ExitCode, string Output)> RunUntilExitAsync(IReadOnlyList<string>? launcher = null) =>
        BackupdProcess.RunAsync([], _environment, TimeSpan.FromSeconds(60), launcher);

    /// <summary>Stops the process with SIGTERM and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        Process.Terminate();
        return await Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Gets a bearer token with the admin password.</summary>
    public async Task<string> IssueTokenAsync(string password = AdminPassword)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/tokens");
        request.Headers.Authorization = Basic("admin", password);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenBody>();
        return body!.Token;
    }

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        Http.Dispose();
        Directory.Delete(DataDir, recursive: true);
    }


    private sealed record TokenBody(string Token, string Id);
}

/// <summary>One master shared by the tests of a collection that only read or add state.</summary>
public sealed class SharedMasterFixture : IAsyncLifetime
{
    public MasterProcess Master { get; } = new();

    public Task InitializeAsync() => Master.StartAsync();

    public async Task DisposeAsync() => await Master.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedMasterCollection : ICollectionFixture<SharedMasterFixture>
{
    public const string Name = "shared master process";
}
