using System.ComponentModel.DataAnnotations;
using Backupd.Hosting;

namespace Backupd.Master.Options;

/// <summary>Settings of the master. Each comes from <c>BACKUPD_&lt;NAME&gt;</c> or the config file.</summary>
public sealed class MasterOptions : IValidatableObject
{
    /// <summary>Where the master keeps its database, keys and initial password (see <see cref="DataDirectories.Default"/>).</summary>
    [Setting("DATA_DIR")]
    [Required(ErrorMessage = "must name a directory")]
    public string DataDir { get; set; } = DataDirectories.Default();

    /// <summary>Where the REST API and dashboard listen; semicolon-separated URLs.</summary>
    [Setting("URLS")]
    [Required(ErrorMessage = "must list at least one URL")]
    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Port silos use to talk to each other.</summary>
    [Setting("SILO_PORT")]
    [Range(1, 65535, ErrorMessage = "must be a TCP port from {1} to {2}")]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port nodes connect to as Orleans clients.</summary>
    [Setting("GATEWAY_PORT")]
    [Range(1, 65535, ErrorMessage = "must be a TCP port from {1} to {2}")]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The IP address the gateway listens on and that the master tells nodes to connect to.
    /// Loopback by default; set it to an address of this host that nodes can reach.
    /// </summary>
    [Setting("GATEWAY_HOST")]
    [Required(ErrorMessage = "must be an IP address of this host")]
    [RegularExpression(@"^[0-9a-fA-F:.]+$", ErrorMessage = "must be an IP address of this host, e.g. 192.0.2.10")]
    public string GatewayHost { get; set; } = "127.0.0.1";

    /// <summary>Orleans cluster id: silos with the same id form one cluster.</summary>
    [Setting("CLUSTER_ID")]
    [Required(ErrorMessage = "must not be empty")]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "may hold only letters, digits, '.', '_' and '-' (at most 64)")]
    public string ClusterId { get; set; } = "backupd";

    /// <summary>
    /// Orleans service id. It is part of every stored grain-state and reminder row, so changing it
    /// hides all existing state: set it once.
    /// </summary>
    [Setting("SERVICE_ID")]
    [Required(ErrorMessage = "must not be empty")]
    [RegularExpression("^[A-Za-z0-9._-]{1,64}$", ErrorMessage = "may hold only letters, digits, '.', '_' and '-' (at most 64)")]
    public string ServiceId { get; set; } = "backupd";

    /// <summary>The <c>admin</c> password to set on first start; ignored once the account exists.</summary>
    [Setting("ADMIN_PASSWORD", Secret = true)]
    public string? AdminPassword { get; set; }

    /// <summary>How long a node's registration code waits for approval.</summary>
    [Setting("REGISTRATION_CODE_LIFETIME")]
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 00:15:00")]
    public TimeSpan RegistrationCodeLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a running job stays with its node without a report from it. Nodes report every
    /// few seconds; after a lapse the job goes back to its queue (or fails when out of attempts).
    /// </summary>
    /// <summary>
    /// Fernet keys that encrypt stored secrets (provider credentials, passwords in job
    /// configs), comma-separated: the first encrypts, all decrypt. Unset: <c>&lt;data dir&gt;/secret.key</c>,
    /// generated at first start.
    /// </summary>
    [Setting("SECRET_KEY", Secret = true)]
    public string? SecretKey { get; set; }

    [Setting("JOB_LEASE")]
    [Range(typeof(TimeSpan), "00:00:03", "01:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 00:01:00")]
    public TimeSpan JobLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Path of the embedded SQLite database.</summary>
    public string DatabasePath => Path.Combine(DataDir, "backupd.db");

    /// <summary>Path of the file that holds a generated first admin password.</summary>
    public string InitialAdminPasswordPath => Path.Combine(DataDir, "initial-admin-password");

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AdminPassword is { Length: > 0 and < 12 })
        {
            yield return new ValidationResult("must be at least 12 characters long", [nameof(AdminPassword)]);
        }

        if (SiloPort == GatewayPort)
        {
            yield return new ValidationResult("must differ from BACKUPD_SILO_PORT", [nameof(GatewayPort)]);
        }

        foreach (var url in Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            {
                yield return new ValidationResult($"must hold http:// or https:// URLs such as http://127.0.0.1:5080; '{url}' is not one", [nameof(Urls)]);
            }
        }
    }
}
