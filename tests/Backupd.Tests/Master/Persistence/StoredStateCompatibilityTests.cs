using Backupd.Contracts.Jobs;
using Backupd.Contracts.Nodes;
using Backupd.Contracts.Schedules;
using Backupd.Grains;
using Backupd.Grains.Jobs;
using Backupd.Grains.Nodes;
using Backupd.Grains.Schedules;
using Backupd.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace Backupd.Tests.Master.Persistence;

/// <summary>
/// Grain state is stored as JSON that names every object's type with its namespace and assembly
/// (Orleans' default storage serializer: Newtonsoft.Json with TypeNameHandling.All); an
/// <c>[Alias]</c> does not enter into it. Moving or renaming a stored type (JobSpec, ScheduleDefinition,
/// S3Location…) to another namespace or project would leave every row written before unreadable, and
/// every job, schedule, node and provider with it. These are rows as this version writes them, read
/// by the silo's own serializer: a change that fails here must bring a type-name mapping for the old rows.
/// </summary>
[Collection(SqliteSiloCollection.Name)]
public sealed class StoredStateCompatibilityTests(SqliteSiloFixture silo)
{
    private const string Job = """
        {"$id":"1","$type":"Backupd.Grains.Jobs.JobRecord, Backupd.Grains","Spec":{"$id":"2","$type":"Backupd.Contracts.Jobs.JobSpec, Backupd.Contracts","NodeId":"n1","Module":"wordpress","ConfigJson":"{\"path\":\"/srv/www/a\"}","ProviderId":"p1","Priority":5,"MaxAttempts":2,"ScheduleId":"s1"},"State":2,"CreatedAt":"2026-12-02T09:30:00+00:00","StartedAt":"2026-12-02T09:30:00+00:00","EndedAt":"2026-12-02T09:30:00+00:00","Attempts":1,"Stages":{"$type":"System.Collections.Generic.List`1[[Backupd.Contracts.Jobs.JobStageInfo, Backupd.Contracts]], System.Private.CoreLib","$values":[{"$id":"3","$type":"Backupd.Contracts.Jobs.JobStageInfo, Backupd.Contracts","Name":"backup_db","Status":2,"StartedAt":"2026-12-02T09:30:00+00:00","EndedAt":"2026-12-02T09:30:00+00:00","BytesDone":10,"BytesTotal":10,"Progress":1.0,"Message":"done"}]},"Log":{"$type":"System.Collections.Generic.List`1[[Backupd.Contracts.Jobs.JobLogEntry, Backupd.Contracts]], System.Private.CoreLib","$values":[{"$id":"4","$type":"Backupd.Contracts.Jobs.JobLogEntry, Backupd.Contracts","At":"2026-12-02T09:30:00+00:00","Message":"hello"}]},"Result":{"$id":"5","$type":"Backupd.Contracts.Jobs.JobResult, Backupd.Contracts","ObjectKey":"n1/wordpress/a/x.tar.zst","Size":42,"Sha256":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}}
        """;

    private const string Schedule = """
        {"$id":"1","$type":"Backupd.Grains.Schedules.ScheduleRecord, Backupd.Grains","Definition":{"$id":"2","$type":"Backupd.Contracts.Schedules.ScheduleDefinition, Backupd.Contracts","Name":"nightly","Cron":"30 2 * * *","TimeZone":"Europe/Berlin","NodeId":"n1","Module":"wordpress","ConfigJson":"{}","ProviderId":"p1","Priority":5,"Enabled":true,"Retention":{"$id":"3","$type":"Backupd.Contracts.Schedules.RetentionSettings, Backupd.Contracts","KeepLast":3,"KeepDaily":7,"KeepWeekly":4,"KeepMonthly":6},"CatchUpWindow":"01:00:00"},"CreatedAt":"2026-12-02T09:30:00+00:00","LastDueHandled":"2026-12-02T09:30:00+00:00","LastJobId":"j1","History":{"$type":"System.Collections.Generic.List`1[[Backupd.Contracts.Schedules.ScheduleEvent, Backupd.Contracts]], System.Private.CoreLib","$values":[{"$id":"4","$type":"Backupd.Contracts.Schedules.ScheduleEvent, Backupd.Contracts","At":"2026-12-02T09:30:00+00:00","Due":"2026-12-02T09:30:00+00:00","JobId":"j1","Message":"ok"}]},"LastResult":"Created job j1"}
        """;

    private const string Node = """
        {"$id":"1","$type":"Backupd.Grains.Nodes.NodeState, Backupd.Grains","Hostname":"web-01","Status":1,"RegisteredAt":"2026-12-02T09:30:00+00:00","ExpiresAt":"2026-12-02T09:30:00+00:00","IpAddress":"127.0.0.1","ApprovedAt":"2026-12-02T09:30:00+00:00","Capabilities":{"$id":"2","$type":"Backupd.Contracts.Nodes.NodeCapabilities, Backupd.Contracts","Version":"1.0","OperatingSystem":"Debian","Modules":{"$type":"System.Collections.Generic.List`1[[Backupd.Contracts.Nodes.ModuleCapability, Backupd.Contracts]], System.Private.CoreLib","$values":[{"$id":"3","$type":"Backupd.Contracts.Nodes.ModuleCapability, Backupd.Contracts","Name":"wordpress","Tools":{"$type":"System.Collections.Generic.List`1[[Backupd.Contracts.Nodes.ToolCapability, Backupd.Contracts]], System.Private.CoreLib","$values":[{"$id":"4","$type":"Backupd.Contracts.Nodes.ToolCapability, Backupd.Contracts","Name":"mysqldump","Path":"/usr/bin/mysqldump"}]},"Ready":true}]},"FreeDiskBytes":1000},"CertificateSerial":"0A"}
        """;

    private const string Provider = """
        {"$id":"1","$type":"Backupd.Grains.Storage.StorageProviderState, Backupd.Grains","Definition":{"$id":"2","$type":"Backupd.Contracts.Storage.StorageProviderDefinition, Backupd.Contracts","Name":"p","Type":"s3","Prefix":"pre","S3":{"$id":"3","$type":"Backupd.Contracts.Storage.S3Location, Backupd.Contracts","Endpoint":"http://127.0.0.1:9","Region":"r","Bucket":"bucket-x","ForcePathStyle":true}},"CreatedAt":"2026-12-02T09:30:00+00:00","EncryptedAccessKeyId":"gAAAA","EncryptedSecretAccessKey":"gAAAB"}
        """;

    private static readonly DateTimeOffset At = new(2026, 12, 2, 9, 30, 0, TimeSpan.Zero);

    private IGrainStorageSerializer Serializer =>
        silo.SiloServices.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(StorageNames.Master).GrainStorageSerializer;

    [Fact]
    public void A_stored_job_reads_back_with_its_spec_stages_log_and_result()
    {
        var job = Serializer.Deserialize<JobRecord>(BinaryData.FromString(Job))!;

        Assert.Equal(new JobSpec("n1", "wordpress", "{\"path\":\"/srv/www/a\"}", "p1", 5, 2, "s1"), job.Spec);
        Assert.Equal(JobState.Completed, job.State);
        Assert.Equal(new JobStageInfo("backup_db", StageStatus.Completed, At, At, 10, 10, 1, "done"), job.Stages.Single());
        Assert.Equal("hello", job.Log.Single().Message);
        Assert.Equal(new JobResult("n1/wordpress/a/x.tar.zst", 42, new string('a', 64)), job.Result);
    }

    [Fact]
    public void A_stored_schedule_reads_back_with_its_definition_retention_and_history()
    {
        var schedule = Serializer.Deserialize<ScheduleRecord>(BinaryData.FromString(Schedule))!;

        Assert.Equal("30 2 * * *", schedule.Definition!.Cron);
        Assert.Equal(new RetentionSettings(3, 7, 4, 6), schedule.Definition.Retention);
        Assert.Equal(TimeSpan.FromHours(1), schedule.Definition.CatchUpWindow);
        Assert.Equal(new ScheduleEvent(At, ScheduleEventKind.Ran, At, "j1", "ok"), schedule.History.Single());
    }

    [Fact]
    public void A_stored_node_reads_back_with_its_status_and_capabilities()
    {
        var node = Serializer.Deserialize<NodeState>(BinaryData.FromString(Node))!;

        Assert.Equal(NodeStatus.Active, node.Status);
        Assert.Equal("/usr/bin/mysqldump", node.Capabilities!.Modules.Single().Tools.Single().Path);
        Assert.Equal("0A", node.CertificateSerial);
    }

    [Fact]
    public void A_stored_provider_reads_back_with_its_location_and_encrypted_credentials()
    {
        var provider = Serializer.Deserialize<StorageProviderState>(BinaryData.FromString(Provider))!;

        Assert.Equal(("s3", "pre", "bucket-x", true), (provider.Definition!.Type, provider.Definition.Prefix, provider.Definition.S3!.Bucket, provider.Definition.S3.ForcePathStyle));
        Assert.Equal(("gAAAA", "gAAAB"), (provider.EncryptedAccessKeyId, provider.EncryptedSecretAccessKey));
    }
}
