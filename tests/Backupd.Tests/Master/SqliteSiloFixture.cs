using Backupd.Contracts.Storage;
using Backupd.Grains;
using Backupd.Grains.Jobs;
using Backupd.Grains.Secrets;
using Backupd.Grains.Storage;
using Backupd.Master.Schedules;
using Backupd.Modules.WordPress;
using Backupd.Secrets;
using Backupd.Master.Hosting;
using Backupd.Master.Persistence;
using Backupd.Master.NodeApi;
using Backupd.Master.Options;
using Backupd.Master.Security;
using Backupd.Master.Storage;
using Backupd.Grains.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;

namespace Backupd.Tests.Master;

/// <summary>
/// A real in-process silo whose grain state and reminders live in a fresh SQLite file with the
/// product's schema, wired exactly as the master wires it, on the real clock.
/// </summary>
public class SqliteSiloFixture : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backupd-silo-").FullName;
    private readonly TimeProvider _clock;
    private readonly TimeSpan? _leaseDuration;

    public SqliteSiloFixture()
        : this(TimeProvider.System, leaseDuration: null)
    {
    }

    /// <param name="clock">The clock of the product's grains and of grain timers; Orleans' own machinery keeps the real one.</param>
    /// <param name="leaseDuration">The job lease, or null for the product's default.</param>
    protected SqliteSiloFixture(TimeProvider clock, TimeSpan? leaseDuration)
    {
        _clock = clock;
        _leaseDuration = leaseDuration;
    }

    /// <summary>A local provider with no prefix, there from the start.</summary>
    public const string ProviderId = "p";

    public SqliteDatabase Database { get; private set; } = null!;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;

    /// <summary>The job index the silo's grains keep, in the same database.</summary>
    public IJobIndex JobIndex => SiloServices.GetRequiredService<IJobIndex>();

    public virtual async Task InitializeAsync()
    {
        Database = new SqliteDatabase(Path.Combine(_dir, "backupd.db"));
        var migrator = new SqliteSchemaMigrator(Database, SchemaMigration.LoadEmbedded("sqlite"), TimeProvider.System, NullLogger<SqliteSchemaMigrator>.Instance);
        await migrator.ApplyAsync(CancellationToken.None);

        // The master's node CA, on files in this silo's directory, as the master loads it at start.
        var authority = new NodeCertificateAuthority(new MasterOptions { DataDir = _dir }, TimeProvider.System, NullLogger<NodeCertificateAuthority>.Instance);
        await authority.StartingAsync(CancellationToken.None);

        var database = Database;
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddBackupdSqliteStorage(database).AddBackupdCallGuard());
        var clock = _clock;
        var leaseDuration = _leaseDuration;
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton(clock);
            if (clock != TimeProvider.System)
            {
                // Membership, messaging, the directory, activation collection and reminders stay on
                // real time, so that moving the test's clock drives the grains and nothing else.
                foreach (var area in (string[])[TimeProviderNames.Messaging, TimeProviderNames.SystemTimers, TimeProviderNames.Membership,
                    TimeProviderNames.ActivationManagement, TimeProviderNames.GrainDirectory, Orleans.Reminders.ReminderTimeProviderNames.Reminders])
                {
                    host.Services.AddKeyedSingleton(area, TimeProvider.System);
                }
            }

            host.Services.AddSingleton(new FernetKeyRing([FernetKey.Generate()]));
            host.Services.AddSingleton<ISecretCipher, FernetSecretCipher>();
            host.Services.AddBackupdProviderStorage();
            host.Services.AddBackupdIndexes(database);
            host.Services.AddBackupdGrainServices();
            host.Services.AddWordPressModule();
            host.Services.AddSingleton<INodeCertificateIssuer>(authority);
            if (leaseDuration is { } lease)
            {
                host.Services.Configure<JobOptions>(jobs => jobs.LeaseDuration = lease);
            }
        });
        // The test client stands in for code inside the silo (as the REST API is), so it
        // presents the silo's proof; GatewayCallGuardTests covers callers that cannot.
        builder.ConfigureClient(client => client.AddOutgoingGrainCallFilter(async call =>
        {
            RequestContext.Set(InSiloCallProof.RequestContextKey, SiloServices.GetRequiredService<InSiloCallProof>().Token);
            await call.Invoke();
        }));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        // The provider the silo tests' jobs name: a finished job's bundle key is checked against its prefix.
        await Client.GetGrain<IStorageProviderGrain>(ProviderId).CreateAsync(
            new StorageProviderDefinition("silo tests", StorageTypes.Local, "/var/backups/silo-tests", "", null));
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class SqliteSiloCollection : ICollectionFixture<SqliteSiloFixture>
{
    public const string Name = "sqlite silo";
}
