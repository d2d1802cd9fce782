using System.ComponentModel.DataAnnotations;
using Backupd.Hosting;
using Microsoft.AspNetCore.Http;

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

    /// <summary>
    /// Where the node API listens: semicolon-separated https:// URLs. Nodes connect here with the
    /// certificate the master issued them; nothing else is served on these endpoints.
    /// </summary>
    [Setting("NODE_URLS")]
    [Required(ErrorMessage = "must list at least one https:// URL")]
    public string NodeUrls { get; set; } = "https://127.0.0.1:5443";

    /// <summary>
    /// The URL nodes are given for the node API, when it differs from <see cref="NodeUrls"/> (a
    /// master listening on 0.0.0.0, or behind NAT). Its host goes into the master's certificate.
    /// </summary>
    [Setting("NODE_API_URL")]
    public string? NodeApiUrl { get; set; }

    /// <summary>
    /// How many node API connections one address may hold open at once. A node needs two (its
    /// signal stream and its calls); a NAT in front of many nodes needs more.
    /// </summary>
    [Setting("NODE_MAX_CONNECTIONS_PER_ADDRESS")]
    [Range(2, 10_000, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int NodeMaxConnectionsPerAddress { get; set; } = 32;

    /// <summary>How many node API connections may be open at once, from everywhere together.</summary>
    [Setting("NODE_MAX_CONNECTIONS")]
    [Range(2, 1_000_000, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int NodeMaxConnections { get; set; } = 4096;

    /// <summary>How long a node certificate is valid; nodes renew when a third of it is left.</summary>
    [Setting("NODE_CERTIFICATE_LIFETIME")]
    [Range(typeof(TimeSpan), "01:00:00", "397.00:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 90.00:00:00")]
    public TimeSpan NodeCertificateLifetime { get; set; } = TimeSpan.FromDays(90);

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

    /// <summary>Registrations one address (an IPv6 /64) may make per hour.</summary>
    [Setting("REGISTRATIONS_PER_HOUR")]
    [Range(1, 100_000, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int RegistrationsPerHour { get; set; } = 30;

    /// <summary>Registrations waiting for approval from one address (an IPv6 /64) at once.</summary>
    [Setting("REGISTRATION_MAX_PENDING_PER_ADDRESS")]
    [Range(1, 100_000, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int RegistrationMaxPendingPerAddress { get; set; } = 10;

    /// <summary>Registrations waiting for approval in all.</summary>
    [Setting("REGISTRATION_MAX_PENDING")]
    [Range(1, 100_000, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int RegistrationMaxPending { get; set; } = 200;

    /// <summary>How long a registration that expired unapproved stays listed (under <c>?status=expired</c>) before it is removed.</summary>
    [Setting("REGISTRATION_EXPIRED_GRACE")]
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 01:00:00")]
    public TimeSpan RegistrationExpiredGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Admin logins (token requests) one address (an IPv6 /64) may attempt per minute, right or wrong.</summary>
    [Setting("LOGIN_ATTEMPTS_PER_MINUTE")]
    [Range(1, 100_000, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int LoginAttemptsPerMinute { get; set; } = 20;

    /// <summary>
    /// Wrong passwords in a row from one address before it is locked out: for a minute, doubling
    /// with each further wrong one up to an hour. A right password from another address still works.
    /// </summary>
    [Setting("LOGIN_FAILURES_BEFORE_LOCKOUT")]
    [Range(1, 1_000, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int LoginFailuresBeforeLockout { get; set; } = 5;

    /// <summary>
    /// Fernet keys that encrypt stored secrets (provider credentials, passwords in job
    /// configs), comma-separated: the first encrypts, all decrypt. Unset: <c>&lt;data dir&gt;/secret.key</c>,
    /// generated at first start.
    /// </summary>
    [Setting("SECRET_KEY", Secret = true)]
    public string? SecretKey { get; set; }

    /// <summary>
    /// How long a running job stays with its node without a report from it. Nodes report every
    /// few seconds; after a lapse the job goes back to its queue (or fails when out of attempts).
    /// </summary>
    [Setting("JOB_LEASE")]
    [Range(typeof(TimeSpan), "00:00:03", "01:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 00:01:00")]
    public TimeSpan JobLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How often a schedule may fire at most. Six-field cron expressions can fire every second;
    /// allow that only on purpose.
    /// </summary>
    [Setting("SCHEDULE_MIN_INTERVAL")]
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 00:01:00")]
    public TimeSpan ScheduleMinInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long the record of a job that ended is kept: older ones are removed, except those
    /// whose bundle is still stored (a completed job whose bundle retention has not deleted).
    /// <c>0.00:00:00</c> keeps every record.
    /// </summary>
    [Setting("JOB_HISTORY")]
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 180.00:00:00 (180 days); 0 keeps every record")]
    public TimeSpan JobHistory { get; set; } = TimeSpan.FromDays(180);

    /// <summary>
    /// How long the copy a restore in place keeps of what it replaced (its <c>safetyBackup</c>:
    /// the old tables and wp-content, on the site's host) stays before the master has its node
    /// remove it. Until then <c>POST /api/v1/restores/{id}/undo</c> puts it back.
    /// <c>0.00:00:00</c> keeps each until it is discarded.
    /// </summary>
    [Setting("RESTORE_KEPT_FOR")]
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 30.00:00:00 (30 days); 0 keeps each until it is discarded")]
    public TimeSpan RestoreKeptFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Multipart uploads open longer than this in an S3 provider, and not of a running job, are
    /// aborted (at start and every hour): parts a crash left behind cost storage until then.
    /// <c>0.00:00:00</c> leaves them to the bucket's lifecycle rules.
    /// </summary>
    [Setting("UPLOAD_LEFTOVER_AGE")]
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 1.00:00:00 (a day); 0 turns the sweep off")]
    public TimeSpan UploadLeftoverAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a dashboard sign-in lasts; after it the admin signs in again, and pages left open
    /// go back to the sign-in page. Not extended by use: a stolen cookie is good for this long at most.
    /// </summary>
    [Setting("DASHBOARD_SESSION")]
    [Range(typeof(TimeSpan), "00:05:00", "30.00:00:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 08:00:00 (8 hours)")]
    public TimeSpan DashboardSession { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Marks the dashboard's cookies Secure even when a request reaches the master over plain
    /// HTTP: for a master behind a TLS-terminating proxy, where every request looks like HTTP to it.
    /// </summary>
    [Setting("DASHBOARD_HTTPS_ONLY")]
    public bool DashboardHttpsOnly { get; set; }

    /// <summary>How long testing a provider from the master may take before it is reported as not answering.</summary>
    [Setting("PROVIDER_TEST_TIMEOUT")]
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "must be a duration from {1} to {2}, e.g. 00:00:15")]
    public TimeSpan ProviderTestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Networks (CIDR, comma-separated) the master never connects to for a provider, whatever its
    /// endpoint resolves to: link-local addresses and the cloud metadata services by default.
    /// <c>none</c> refuses nothing.
    /// </summary>
    [Setting("PROVIDER_REFUSED_NETWORKS")]
    public string ProviderRefusedNetworks { get; set; } = DefaultRefusedNetworks;

    /// <summary>Link-local IPv4 and IPv6 (AWS, GCP and Azure metadata at 169.254.169.254), AWS's IPv6 metadata, Alibaba's.</summary>
    public const string DefaultRefusedNetworks = "169.254.0.0/16,fe80::/10,fd00:ec2::254/128,100.100.100.200/32";

    /// <summary>The parsed <see cref="ProviderRefusedNetworks"/>.</summary>
    public IReadOnlyList<System.Net.IPNetwork> RefusedNetworks =>
        ProviderRefusedNetworks.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)
            ? []
            : [.. ProviderRefusedNetworks.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(System.Net.IPNetwork.Parse)];

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

        if (!ProviderRefusedNetworks.Trim().Equals("none", StringComparison.OrdinalIgnoreCase)
            && ProviderRefusedNetworks.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault(network => !System.Net.IPNetwork.TryParse(network, out _)) is { } wrong)
        {
            yield return new ValidationResult($"'{wrong}' is not a network in CIDR notation, e.g. 169.254.0.0/16; use none to refuse nothing", [nameof(ProviderRefusedNetworks)]);
        }

        foreach (var url in ListOf(Urls))
        {
            if (Binding(url) is not { Scheme: "http" })
            {
                yield return new ValidationResult(
                    $"must hold http:// URLs such as http://127.0.0.1:5080 (put a TLS proxy in front for https); '{url}' is not one", [nameof(Urls)]);
            }
        }

        foreach (var url in ListOf(NodeUrls))
        {
            if (Binding(url) is not { Scheme: "https" })
            {
                yield return new ValidationResult($"must hold https:// URLs such as https://0.0.0.0:5443; '{url}' is not one", [nameof(NodeUrls)]);
            }
        }

        if (NodeApiUrl is { Length: > 0 } advertised)
        {
            if (!Uri.TryCreate(advertised, UriKind.Absolute, out var api) || api.Scheme != "https" || IsWildcard(api.Host))
            {
                yield return new ValidationResult($"must be the https:// URL nodes reach the master at, such as https://backups.example.com:5443, not '{advertised}'", [nameof(NodeApiUrl)]);
            }
        }
        else if (ListOf(NodeUrls).FirstOrDefault() is { } first && Binding(first) is { } bound && !IsAddressOrLocalhost(bound.Host))
        {
            yield return new ValidationResult(
                $"must be set when BACKUPD_NODE_URLS does not start with a plain address ('{first}'): give the https:// URL nodes reach the master at", [nameof(NodeApiUrl)]);
        }
    }

    /// <summary>A URL as Kestrel reads it (it takes hosts such as '*' that <see cref="Uri"/> refuses); null when it is not one.</summary>
    public static BindingAddress? Binding(string url)
    {
        try
        {
            return BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The entries of a semicolon-separated list of URLs.</summary>
    public static IReadOnlyList<string> ListOf(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Whether a URL's host is one address nodes can be told as it is: an IP (not a wildcard) or localhost.</summary>
    public static bool IsAddressOrLocalhost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && !IsWildcard(host) && !address.Equals(System.Net.IPAddress.Any) && !address.Equals(System.Net.IPAddress.IPv6Any));

    /// <summary>Whether a URL's host means "every address" to Kestrel.</summary>
    public static bool IsWildcard(string host) => host is "*" or "+" or "0.0.0.0" or "[::]" or "::";
}
