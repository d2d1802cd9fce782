using System.Text;
using MySqlConnector;
using Xunit;

namespace Backupd.TestBed;

/// <summary>
/// A real, private <c>mariadbd</c> in a fresh temporary data directory, listening on a free
/// port on 127.0.0.1 and on a Unix socket; root has no password and is reached over the socket.
/// The machine's <c>/etc/mysql</c> configuration is ignored.
/// </summary>
/// <example>
/// As a collection fixture: <c>[CollectionDefinition("mariadb")] public sealed class MariaDbCollection : ICollectionFixture&lt;MariaDbServer&gt;;</c>
/// on its own: <c>await using var server = new MariaDbServer(); await server.StartAsync(cancellationToken);</c>
/// </example>
public sealed class MariaDbServer : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>The address the server listens on, and the only one.</summary>
    public const string Host = "127.0.0.1";

    private const string InstallHint = "apt-get install mariadb-server";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    // Unix socket paths live in a fixed 108-byte field, including the terminating NUL.
    private const int MaxSocketPathBytes = 107;

    private string? _directory;
    private ServerProcess? _server;

    /// <summary>The temporary directory holding the data directory, socket and pid file.</summary>
    public string DirectoryPath => _directory ?? throw NotStarted();

    /// <summary>The TCP port on <see cref="Host"/>.</summary>
    public int Port { get; private set; }

    /// <summary>The Unix socket; root connects here.</summary>
    public string SocketPath => Path.Combine(DirectoryPath, "mysqld.sock");

    /// <summary>Connects as root over <see cref="SocketPath"/>, without a database.</summary>
    public string RootConnectionString => new MySqlConnectionStringBuilder
    {
        Server = SocketPath,
        ConnectionProtocol = MySqlConnectionProtocol.UnixSocket,
        UserID = "root",
        // Pools would outlive this server and hand out dead connections once another takes its place.
        Pooling = false,
    }.ConnectionString;

    /// <summary>The last lines mariadbd wrote, for diagnosing a failing test.</summary>
    public string ServerOutput => _server?.Output ?? string.Empty;

    private string DataDirectory => Path.Combine(DirectoryPath, "data");

    /// <summary>Initialises a data directory and starts the server; returns when it accepts connections.</summary>
    /// <exception cref="MissingProgramException">MariaDB is not installed.</exception>
    /// <exception cref="ServerStartException">mariadbd did not become ready.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_directory is not null)
        {
            throw new InvalidOperationException("This MariaDB server was already started.");
        }

        var installDb = RequiredProgram.Find("mariadb-install-db", InstallHint, "/usr/bin", "/usr/local/bin");
        var mariadbd = RequiredProgram.Find("mariadbd", InstallHint, "/usr/sbin", "/usr/local/sbin");
        _directory = Directory.CreateTempSubdirectory("backupd-mariadb-").FullName;
        try
        {
            if (Encoding.UTF8.GetByteCount(SocketPath) > MaxSocketPathBytes)
            {
                throw new TestBedException($"The MariaDB socket path {SocketPath} is longer than Unix sockets allow; point TMPDIR at a shorter directory.");
            }

            Directory.CreateDirectory(Path.Combine(DirectoryPath, "tmp"));
            await InitialiseDataDirectoryAsync(installDb, cancellationToken).ConfigureAwait(false);
            (_server, Port) = await FreePort.StartOnFreePortAsync(
                async (port, ct) => (await StartServerAsync(mariadbd, port, ct).ConfigureAwait(false), port),
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens a connection as root over the socket.</summary>
    public async Task<MySqlConnection> OpenRootConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new MySqlConnection(RootConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Creates database <paramref name="name"/> and a user who may connect with
    /// <paramref name="password"/> from 127.0.0.1 (TCP) and localhost (socket) and holds all
    /// privileges on that database and nothing else: what a hosting panel gives a WordPress site,
    /// and enough for <c>mysqldump --single-transaction --routines --triggers --events</c> of it.
    /// </summary>
    /// <returns>A connection string for that user and database over TCP.</returns>
    public async Task<string> CreateDatabaseAsync(string name, string user, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentNullException.ThrowIfNull(password);
        await using var connection = await OpenRootConnectionAsync(cancellationToken).ConfigureAwait(false);
        var statements = new StringBuilder();
        statements.Append("CREATE DATABASE ").Append(QuoteIdentifier(name)).AppendLine(";");
        foreach (var account in Accounts(user))
        {
            statements.Append("CREATE USER ").Append(account).Append(" IDENTIFIED BY ").Append(QuoteString(password)).AppendLine(";");
            statements.Append("GRANT ALL PRIVILEGES ON ").Append(QuoteGrantDatabase(name)).Append(".* TO ").Append(account).AppendLine(";");
        }

        await ExecuteAsync(connection, statements.ToString(), cancellationToken).ConfigureAwait(false);
        return ConnectionStringFor(name, user, password);
    }

    /// <summary>Drops a database and the user <see cref="CreateDatabaseAsync"/> made for it, if they exist.</summary>
    public async Task DropDatabaseAsync(string name, string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(user);
        await using var connection = await OpenRootConnectionAsync(cancellationToken).ConfigureAwait(false);
        var statements = new StringBuilder();
        statements.Append("DROP DATABASE IF EXISTS ").Append(QuoteIdentifier(name)).AppendLine(";");
        foreach (var account in Accounts(user))
        {
            statements.Append("DROP USER IF EXISTS ").Append(account).AppendLine(";");
        }

        await ExecuteAsync(connection, statements.ToString(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A connection string for <paramref name="user"/> over TCP to <see cref="Host"/>:<see cref="Port"/>.</summary>
    public string ConnectionStringFor(string database, string user, string password) => new MySqlConnectionStringBuilder
    {
        Server = Host,
        Port = checked((uint)Port),
        Database = database,
        UserID = user,
        Password = password,
        // The server has no TLS certificate; saying so skips a round of negotiation.
        SslMode = MySqlSslMode.None,
        Pooling = false,
    }.ConnectionString;

    /// <summary>Whether the server is still running (it stops when disposed or if it crashes).</summary>
    public bool IsRunning => _server is { HasExited: false };

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
    }

    ValueTask IAsyncDisposable.DisposeAsync() => new(DisposeAsync());

    private static IEnumerable<string> Accounts(string user) =>
        [$"{QuoteString(user)}@'127.0.0.1'", $"{QuoteString(user)}@'localhost'"];

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string QuoteIdentifier(string name) => $"`{name.Replace("`", "``", StringComparison.Ordinal)}`";

    // In GRANT, _ and % in a database name are wildcards: wp_a would also cover wpXa.
    private static string QuoteGrantDatabase(string name) =>
        QuoteIdentifier(name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal));

    private static string QuoteString(string value) =>
        $"'{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}'";

    private static InvalidOperationException NotStarted() => new("The MariaDB server has not been started.");

    // mariadbd refuses to run as root unless told to, and files it creates must belong to the user it runs as.
    private static IEnumerable<string> UserOption() => Environment.UserName == "root" ? ["--user=root"] : [];

    // Shared by the bootstrap and the server so both see the same InnoDB layout.
    private static IEnumerable<string> TuningOptions() =>
    [
        "--skip-name-resolve",
        "--innodb-buffer-pool-size=32M",
        "--innodb-log-file-size=8M",
        // Containers often forbid io_uring and libaio; tests need no native asynchronous I/O.
        "--innodb-use-native-aio=0",
        // Durability across power loss is not worth the fsyncs in a throwaway server.
        "--innodb-flush-log-at-trx-commit=0",
        "--innodb-doublewrite=0",
        // As Debian's packaged configuration has it, so dumps look like a real server's.
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_general_ci",
    ];

    private async Task InitialiseDataDirectoryAsync(string installDb, CancellationToken cancellationToken)
    {
        // --no-defaults must come first; the tool passes options it does not know on to the bootstrap server.
        string[] arguments =
        [
            "--no-defaults",
            $"--datadir={DataDirectory}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            // Passed on to the bootstrap server: its temporary tables in a directory of this server's
            // own, not in /tmp, where two bootstraps of the suite at once lost them twice
            // ("Could not remove temporary table … error: 2", then "Unknown table mysql.tmp_user_…").
            $"--tmpdir={Path.Combine(DirectoryPath, "tmp")}",
            .. UserOption(),
            .. TuningOptions(),
        ];
        var result = await ProcessRunner.RunAsync(installDb, arguments, StartTimeout, new ProcessOptions { WorkingDirectory = DirectoryPath }, cancellationToken).ConfigureAwait(false);
        result.EnsureSuccess($"initialising the MariaDB data directory {DataDirectory}");
    }

    private async Task<ServerProcess> StartServerAsync(string mariadbd, int port, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "--no-defaults",
            $"--datadir={DataDirectory}",
            $"--socket={SocketPath}",
            $"--port={port}",
            $"--bind-address={Host}",
            $"--pid-file={Path.Combine(DirectoryPath, "mysqld.pid")}",
            $"--tmpdir={Path.Combine(DirectoryPath, "tmp")}",
            .. UserOption(),
            .. TuningOptions(),
        ];
        var server = ServerProcess.Start("mariadbd", mariadbd, arguments, new ProcessOptions { WorkingDirectory = DirectoryPath });
        try
        {
            await server.WaitUntilReadyAsync(CanQueryAsync, StartTimeout, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<bool> CanQueryAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(SocketPath))
        {
            return false;
        }

        await using var connection = await OpenRootConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new MySqlCommand("SELECT 1", connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }
}
