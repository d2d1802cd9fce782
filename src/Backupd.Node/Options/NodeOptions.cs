using System.ComponentModel.DataAnnotations;
using Backupd.Hosting;
using Backupd.Modules.Resources;

namespace Backupd.Node.Options;

/// <summary>Settings of the node agent. Each comes from <c>BACKUPD_&lt;NAME&gt;</c> or the config file.</summary>
public sealed class NodeOptions : IValidatableObject
{
    /// <summary>The master's REST URL, e.g. <c>http://127.0.0.1:5080</c>; all a node needs to find it.</summary>
    [Setting("MASTER_URL")]
    [Required(ErrorMessage = "must be set to the master's URL, e.g. http://127.0.0.1:5080")]
    public Uri? MasterUrl { get; set; }

    /// <summary>Where the node keeps its identity and the work dirs of running jobs.</summary>
    [Setting("DATA_DIR")]
    [Required(ErrorMessage = "must name a directory")]
    public string DataDir { get; set; } = DataDirectories.Default();

    /// <summary>How many heavy I/O stages (dumps, archiving) may run at once. Two keeps a small host responsive.</summary>
    [Setting("MAX_IO")]
    [Range(1, 64, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int MaxIo { get; set; } = 2;

    /// <summary>How many uploads may run at once.</summary>
    [Setting("MAX_NETWORK")]
    [Range(1, 64, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int MaxNetwork { get; set; } = 2;

    /// <summary>Upload limit in megabits per second shared by all uploads; 0 means unlimited.</summary>
    [Setting("MAX_BANDWIDTH_MBPS")]
    [Range(0, 1_000_000, ErrorMessage = "must be a number of megabits per second from {1} (unlimited) to {2}")]
    public double MaxBandwidthMbps { get; set; }

    /// <summary>CPU threads for compression; 0 means one per core.</summary>
    [Setting("MAX_CPU")]
    [Range(0, 256, ErrorMessage = "must be a whole number of threads from {1} (one per core) to {2}")]
    public int MaxCpu { get; set; }

    /// <summary>
    /// How many jobs may run at once. Each stage still waits for the I/O or network slot it
    /// needs, so one job's upload can overlap another's dump.
    /// </summary>
    [Setting("MAX_JOBS")]
    [Range(1, 64, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int MaxJobs { get; set; } = 4;

    /// <summary>
    /// Part size of multipart uploads to S3-compatible storage, in MiB. Larger parts mean fewer
    /// requests; each part in flight is read from disk as it is sent, so memory does not grow with it.
    /// </summary>
    [Setting("S3_PART_SIZE_MIB")]
    [Range(5, 5120, ErrorMessage = "must be a whole number of MiB from {1} (the S3 minimum) to {2}")]
    public int S3PartSizeMib { get; set; } = 64;

    /// <summary>
    /// How long a running job waits for a master that is away (restarting, unreachable) before
    /// the stage that needs it fails. The job goes on where it was once the master is back.
    /// </summary>
    [Setting("MASTER_WAIT")]
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 00:15:00")]
    public TimeSpan MasterWait { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The limits the ResourceManager enforces.</summary>
    public ResourceLimits ResourceLimits =>
        new(MaxIo, MaxNetwork, MaxBandwidthMbps > 0 ? MaxBandwidthMbps : null, MaxCpu > 0 ? MaxCpu : Environment.ProcessorCount);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MasterUrl is { } url && url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            yield return new ValidationResult("must be an http:// or https:// URL", [nameof(MasterUrl)]);
        }
    }
}
