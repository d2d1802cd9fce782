using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Backupd.Tests.Nodes;
using Backupd.Tests.Processes;

namespace Backupd.Tests.Master.Api;

/// <summary>A master with the shipped login limits and small registration caps, for <see cref="BrakesTests"/>.</summary>
public sealed class BrakedMasterFixture : IAsyncLifetime
{
    public const int RegistrationsPerHour = 5;
    public const int MaxPendingPerAddress = 3;
    public const int MaxPending = 6;

    public MasterProcess Master { get; } = new(extraEnvironment: new Dictionary<string, string>
    {
        // The shipped defaults, spelled out: MasterProcess lifts them for every other test.
        ["BACKUPD_LOGIN_ATTEMPTS_PER_MINUTE"] = "20",
        ["BACKUPD_LOGIN_FAILURES_BEFORE_LOCKOUT"] = "5",
        ["BACKUPD_REGISTRATIONS_PER_HOUR"] = RegistrationsPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["BACKUPD_REGISTRATION_MAX_PENDING_PER_ADDRESS"] = MaxPendingPerAddress.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["BACKUPD_REGISTRATION_MAX_PENDING"] = MaxPending.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["BACKUPD_PROVIDER_TEST_TIMEOUT"] = "00:00:03",
        // The shipped list plus 127.0.0.1 and ::1, so that "localhost" stands in for a host name that
        // resolves to a metadata service; the fake services below listen on 127.0.0.2.
        ["BACKUPD_PROVIDER_REFUSED_NETWORKS"] = "169.254.0.0/16,fe80::/10,fd00:ec2::254/128,100.100.100.200/32,127.0.0.1/32,::1/128",
    });

    public Task InitializeAsync() => Master.StartAsync();

    public async Task DisposeAsync() => await Master.DisposeAsync();
}

/// <summary>
/// The brakes on what anyone can call, attacked from several loopback addresses at once: one
/// guesses or floods, another is the admin or a real node, and must get through.
/// </summary>
public sealed class BrakesTests(BrakedMasterFixture fixture) : IClassFixture<BrakedMasterFixture>
{
    private MasterProcess Master => fixture.Master;

    [Fact]
    public async Task Guessing_passwords_locks_out_the_guessing_address_while_the_admin_elsewhere_still_logs_in()
    {
        using var attacker = Master.HttpFrom("127.0.0.3");
        using var admin = Master.HttpFrom("127.0.0.4");

        // Fewer than the 20 a minute the address may send: what stops these is the lockout.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 15).Select(i => LoginAsync(attacker, $"guess-{i}")));

        var wrong = attempts.Count(a => a.Status == HttpStatusCode.Unauthorized);
        var refused = attempts.Where(a => a.Status == HttpStatusCode.TooManyRequests).ToList();
        // Five wrong passwords lock the address; at most one more was being checked at that moment.
        Assert.InRange(wrong, 5, 6);
        Assert.Equal(15, wrong + refused.Count);
        Assert.All(refused, r => Assert.InRange(r.RetryAfterSeconds!.Value, 1, 3600));

        var rightButLocked = await LoginAsync(attacker, MasterProcess.AdminPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightButLocked.Status);
        // A minute from the fifth wrong password, doubled by the one checked alongside it, if any.
        Assert.InRange(rightButLocked.RetryAfterSeconds!.Value, 1, 60 << (wrong - 5));
        Assert.Contains("locked out", rightButLocked.Detail, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(admin, MasterProcess.AdminPassword)).Status);
        await Master.Process.WaitForOutputAsync("Locked out 127.0.0.3 for 60 s after 5 wrong passwords", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_address_that_logs_in_more_often_than_allowed_gets_429_naming_the_setting()
    {
        using var script = Master.HttpFrom("127.0.0.5");
        using var other = Master.HttpFrom("127.0.0.14");

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(script, MasterProcess.AdminPassword)).Status);
        }

        var twentyFirst = await LoginAsync(script, MasterProcess.AdminPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, twentyFirst.Status);
        Assert.InRange(twentyFirst.RetryAfterSeconds!.Value, 1, 60);
        Assert.Contains("20 per minute, BACKUPD_LOGIN_ATTEMPTS_PER_MINUTE", twentyFirst.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(other, MasterProcess.AdminPassword)).Status);
    }

    [Fact]
    public async Task Registrations_from_one_address_are_limited_per_hour_and_other_addresses_still_register()
    {
        var api = new MasterApi(Master.Http, await Master.IssueTokenAsync());
        using var flooder = Master.HttpFrom("127.0.0.6");
        using var node = Master.HttpFrom("127.0.0.7");

        for (var i = 0; i < BrakedMasterFixture.RegistrationsPerHour; i++)
        {
            var code = RegistrationCodes.NewCode();
            using var registered = await Register(flooder, code);
            Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
            // Approved registrations hold no place under the pending caps: only the hourly limit is left.
            using var approved = await api.ApproveAsync(code);
            Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        }

        using var refused = await Register(flooder, RegistrationCodes.NewCode());
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 429 without Retry-After");
        Assert.Contains($"{BrakedMasterFixture.RegistrationsPerHour} per hour, BACKUPD_REGISTRATIONS_PER_HOUR", await DetailAsync(refused), StringComparison.Ordinal);

        using var elsewhere = await Register(node, RegistrationCodes.NewCode());
        Assert.Equal(HttpStatusCode.Created, elsewhere.StatusCode);
        await DeleteAsync(api, elsewhere);
    }

    [Fact]
    public async Task Pending_registrations_are_capped_per_address_and_in_all()
    {
        var api = new MasterApi(Master.Http, await Master.IssueTokenAsync());
        var created = new List<HttpResponseMessage>();
        try
        {
            using var first = Master.HttpFrom("127.0.0.8");
            for (var i = 0; i < BrakedMasterFixture.MaxPendingPerAddress; i++)
            {
                created.Add(await Register(first, RegistrationCodes.NewCode()));
                Assert.Equal(HttpStatusCode.Created, created[^1].StatusCode);
            }

            using var overAddress = await Register(first, RegistrationCodes.NewCode());
            Assert.Equal(HttpStatusCode.TooManyRequests, overAddress.StatusCode);
            Assert.InRange(overAddress.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(15));
            Assert.Contains("BACKUPD_REGISTRATION_MAX_PENDING_PER_ADDRESS", await DetailAsync(overAddress), StringComparison.Ordinal);

            // Other addresses fill the rest of the master's places; the next one is refused.
            HttpResponseMessage? overAll = null;
            for (var host = 20; overAll is null && host < 20 + BrakedMasterFixture.MaxPending; host++)
            {
                using var client = Master.HttpFrom($"127.0.0.{host}");
                var response = await Register(client, RegistrationCodes.NewCode());
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    created.Add(response);
                }
                else
                {
                    overAll = response;
                }
            }

            Assert.NotNull(overAll);
            Assert.Equal(HttpStatusCode.TooManyRequests, overAll.StatusCode);
            Assert.Contains("BACKUPD_REGISTRATION_MAX_PENDING)", await DetailAsync(overAll), StringComparison.Ordinal);
            Assert.Equal(BrakedMasterFixture.MaxPending, (await api.GetJsonAsync("/api/v1/nodes?status=pending")).GetArrayLength());

            // A deleted registration gives its place back.
            await DeleteAsync(api, created[0]);
            created.RemoveAt(0);
            using var again = await Register(first, RegistrationCodes.NewCode());
            Assert.Equal(HttpStatusCode.Created, again.StatusCode);
            await DeleteAsync(api, again);
        }
        finally
        {
            foreach (var response in created)
            {
                await DeleteAsync(api, response);
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Testing_a_provider_that_is_not_http_reports_it_without_echoing_what_the_port_said()
    {
        const string banner = "SSH-2.0-OpenSSH_9.6 internal-host-7f3a";
        using var listener = StartListener(async client =>
        {
            await client.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(banner + "\r\n"));
            await Task.Delay(TimeSpan.FromSeconds(1));
        });

        var result = await TestProviderAsync($"http://127.0.0.2:{((IPEndPoint)listener.LocalEndpoint).Port}");

        Assert.False(result.GetProperty("ok").GetBoolean());
        var error = result.GetProperty("error").GetString()!;
        Assert.Contains("did not answer as an HTTP server", error, StringComparison.Ordinal);
        Assert.DoesNotContain("SSH", error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal-host", result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Testing_a_provider_whose_port_never_answers_gives_up_after_the_timeout_naming_the_setting()
    {
        using var listener = StartListener(async client => await Task.Delay(TimeSpan.FromMinutes(2)));

        // Master.Http gives up after 30 s; without the master's own timeout this would not come back.
        var result = await TestProviderAsync($"http://127.0.0.2:{((IPEndPoint)listener.LocalEndpoint).Port}");

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("within 3 s (BACKUPD_PROVIDER_TEST_TIMEOUT)", result.GetProperty("error").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_provider_at_a_metadata_address_is_refused_and_a_name_that_resolves_to_one_is_never_connected_to()
    {
        var api = new MasterApi(Master.Http, await Master.IssueTokenAsync());
        using var metadata = await api.SendAsync(HttpMethod.Post, "/api/v1/providers", S3Provider("http://169.254.169.254/latest/meta-data"));
        Assert.Equal(HttpStatusCode.BadRequest, metadata.StatusCode);
        Assert.Equal("169.254.169.254 is a link-local or cloud metadata address, which the master does not connect to (BACKUPD_PROVIDER_REFUSED_NETWORKS)",
            (await metadata.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("endpoint")[0].GetString());

        var connected = 0;
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        _ = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            Interlocked.Increment(ref connected);
        });

        var result = await TestProviderAsync($"http://localhost:{((IPEndPoint)listener.LocalEndpoint).Port}");

        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Contains("a link-local or cloud metadata address this service refuses to connect to (BACKUPD_PROVIDER_REFUSED_NETWORKS)", result.GetProperty("error").GetString()!, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref connected));
    }

    private async Task<JsonElement> TestProviderAsync(string endpoint)
    {
        var api = new MasterApi(Master.Http, await Master.IssueTokenAsync());
        using var created = await api.SendAsync(HttpMethod.Post, "/api/v1/providers", S3Provider(endpoint));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using var tested = await api.SendAsync(HttpMethod.Post, $"/api/v1/providers/{id}/test");
        Assert.Equal(HttpStatusCode.OK, tested.StatusCode);
        return await tested.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static object S3Provider(string endpoint) => new
    {
        name = "probe target", type = "s3", endpoint, region = "us-east-1", bucket = "backups", forcePathStyle = true, accessKeyId = "AKIATEST", secretAccessKey = "not-a-secret",
    };

    /// <summary>A TCP server on 127.0.0.2 that runs <paramref name="serve"/> for every connection.</summary>
    private static System.Net.Sockets.TcpListener StartListener(Func<System.Net.Sockets.TcpClient, Task> serve)
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        listener.Start();
        _ = Task.Run(async () =>
        {
            while (true)
            {
                System.Net.Sockets.TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync();
                }
                catch (Exception ex) when (ex is ObjectDisposedException or System.Net.Sockets.SocketException)
                {
                    return;
                }

                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        await serve(client);
                    }
                });
            }
        });
        return listener;
    }

    private static async Task<LoginAttempt> LoginAsync(HttpClient client, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/tokens");
        request.Headers.Authorization = MasterProcess.Basic("admin", password);
        using var response = await client.SendAsync(request);
        var detail = response.StatusCode == HttpStatusCode.OK ? "" : await DetailAsync(response);
        return new LoginAttempt(response.StatusCode, (int?)response.Headers.RetryAfter?.Delta?.TotalSeconds, detail);
    }

    private static Task<HttpResponseMessage> Register(HttpClient client, string code) =>
        new MasterApi(client, "none").RegisterAsync(code, RegistrationCodes.NewSecret(), "fleet-" + code);

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;

    private static async Task DeleteAsync(MasterApi api, HttpResponseMessage registered)
    {
        var id = (await registered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nodeId").GetString();
        using var deleted = await api.SendAsync(HttpMethod.Delete, $"/api/v1/nodes/{id}");
        Assert.True(deleted.StatusCode is HttpStatusCode.NoContent or HttpStatusCode.NotFound, $"deleting {id}: {deleted.StatusCode}");
    }

    private sealed record LoginAttempt(HttpStatusCode Status, int? RetryAfterSeconds, string Detail);
}
