using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Backupd.TestBed;

/// <summary>
/// A real <c>s3rver</c> (an S3-compatible server in Node) on a free port on 127.0.0.1, storing
/// objects in a fresh temporary directory, with one bucket created at start.
/// </summary>
/// <example>
/// As a collection fixture: <c>[CollectionDefinition("s3rver")] public sealed class S3rverCollection : ICollectionFixture&lt;S3rverServer&gt;;</c>
/// then <c>using var s3 = server.CreateClient(); await s3.PutObjectAsync(new() { BucketName = server.BucketName, … });</c>
/// </example>
public sealed class S3rverServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>The address the server listens on.</summary>
    public const string Host = "127.0.0.1";

    /// <summary>The key id s3rver expects by convention; it accepts any.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>The secret s3rver checks signatures against.</summary>
    public const string SecretKey = "S3RVER";

    /// <summary>The region requests are signed for; s3rver has no regions.</summary>
    public const string Region = "us-east-1";

    private const string InstallHint = "npm install -g s3rver@3.7.1";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(30);

    // A proxy from the environment has no business with a loopback readiness check.
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(5) };
    private string? _directory;
    private ServerProcess? _server;

    /// <summary>The bucket created at start; set it before starting to use another name.</summary>
    public string BucketName { get; init; } = "backupd-tests";

    /// <summary>The TCP port on <see cref="Host"/>.</summary>
    public int Port { get; private set; }

    /// <summary>The endpoint for S3 clients, such as <c>http://127.0.0.1:41234</c>.</summary>
    public string ServiceUrl => $"http://{Host}:{Port}";

    /// <summary>The directory where s3rver keeps buckets and objects.</summary>
    public string DataPath => _directory ?? throw new InvalidOperationException("The s3rver server has not been started.");

    /// <summary>The last lines s3rver wrote, one per request, for diagnosing a failing test.</summary>
    public string ServerOutput => _server?.Output ?? string.Empty;

    /// <summary>Starts s3rver; returns when <see cref="BucketName"/> answers.</summary>
    /// <exception cref="MissingProgramException">Node or s3rver is not installed.</exception>
    /// <exception cref="ServerStartException">s3rver did not become ready.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_directory is not null)
        {
            throw new InvalidOperationException("This s3rver server was already started.");
        }

        // s3rver is a Node script that finds node through env; saying so beats "env: node: not found".
        RequiredProgram.Find("node", "apt-get install nodejs npm");
        var s3rver = await FindS3rverAsync(cancellationToken).ConfigureAwait(false);
        _directory = Directory.CreateTempSubdirectory("backupd-s3rver-").FullName;
        try
        {
            (_server, Port) = await FreePort.StartOnFreePortAsync(
                async (port, ct) => (await StartServerAsync(s3rver, port, ct).ConfigureAwait(false), port),
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A client for this server, signed with <see cref="AccessKey"/>/<see cref="SecretKey"/>;
    /// nothing is read from the machine's AWS profiles or environment.
    /// </summary>
    /// <remarks>
    /// s3rver 3.7.1 stores SigV4 streaming (<c>aws-chunked</c>) bodies as they arrive, framing and
    /// all, and the SDK sends every upload that way over plain HTTP. This client sends bodies
    /// whole, for the transfer utility's uploads too; any other client pointed at s3rver needs
    /// <c>UseChunkEncoding = false</c> on its <see cref="PutObjectRequest"/> and <see cref="UploadPartRequest"/>.
    /// </remarks>
    public AmazonS3Client CreateClient()
    {
        var config = new AmazonS3Config
        {
            ServiceURL = ServiceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = Region,
            // SDK 4 adds CRC checksums to uploads by default, which s3rver predates.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        return new S3rverClient(new BasicAWSCredentials(AccessKey, SecretKey), config);
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        await StartAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Stops the server and deletes its directory.</summary>
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
            _server = null;
        }

        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        _http.Dispose();
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    /// <summary>
    /// On <c>PATH</c>; else where <c>ops/install-test-deps.sh</c> puts it (<c>.tools/node</c> in
    /// the checkout, for a plain <c>dotnet test</c> after it ran); else in npm's global prefix.
    /// </summary>
    private static async Task<string> FindS3rverAsync(CancellationToken cancellationToken)
    {
        var places = CheckoutToolDirectories().ToList();
        var found = RequiredProgram.TryFind("s3rver", places);
        if (found is not null)
        {
            return found;
        }

        var npm = RequiredProgram.TryFind("npm");
        if (npm is not null)
        {
            var prefix = await ProcessRunner.RunAsync(npm, ["prefix", "--global"], LookupTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            var globalBin = Path.Combine(prefix.StandardOutput.Trim(), "bin");
            if (prefix.ExitCode == 0)
            {
                places.Add(globalBin);
                found = RequiredProgram.TryFind("s3rver", globalBin);
            }
        }

        return found ?? RequiredProgram.Find("s3rver", InstallHint, places);
    }

    private static IEnumerable<string> CheckoutToolDirectories()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var tools = Path.Combine(directory.FullName, ".tools", "node", "node_modules", ".bin");
            if (Directory.Exists(tools))
            {
                yield return tools;
            }
        }
    }

    private async Task<ServerProcess> StartServerAsync(string s3rver, int port, CancellationToken cancellationToken)
    {
        string[] arguments = ["-d", DataPath, "-a", Host, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", BucketName];
        var server = ServerProcess.Start("s3rver", s3rver, arguments, new ProcessOptions { WorkingDirectory = DataPath });
        try
        {
            var bucket = new Uri($"http://{Host}:{port}/{Uri.EscapeDataString(BucketName)}?max-keys=0");
            await server.WaitUntilReadyAsync(ct => BucketAnswersAsync(bucket, ct), StartTimeout, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // s3rver creates the configured bucket before it listens, so an answer means both are ready.
    private async Task<bool> BucketAnswersAsync(Uri bucket, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }
}
