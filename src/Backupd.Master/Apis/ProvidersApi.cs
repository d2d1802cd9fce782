using System.Text.RegularExpressions;
using Backupd.Contracts;
using Backupd.Contracts.Jobs;
using Backupd.Contracts.Schedules;
using Backupd.Contracts.Storage;
using Backupd.Grains.Jobs;
using Backupd.Master.Options;
using Backupd.Master.Storage;
using Backupd.Storage;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using static Backupd.Master.Apis.ApiProblems;

namespace Backupd.Master.Apis;

/// <summary><c>/api/v1/providers</c>: where bundles are stored. Answers never carry a secret.</summary>
public static partial class ProvidersApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapProvidersApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/v1/providers").WithTags("providers");
        group.MapPost("/", CreateAsync)
            .WithName("CreateProvider").WithSummary("Add a storage provider (local folder or S3-compatible bucket)");
        group.MapGet("/", ListAsync)
            .WithName("ListProviders").WithSummary("All storage providers (never a secret, only whether one is set)");
        group.MapGet("/{id}", GetAsync)
            .WithName("GetProvider").WithSummary("One storage provider (never a secret)");
        group.MapPut("/{id}", UpdateAsync)
            .WithName("UpdateProvider").WithSummary("Replace a provider's settings; omitted credentials are kept");
        group.MapPost("/{id}/test", TestAsync)
            .WithName("TestProvider").WithSummary("Write, read and delete a probe object from the master, and say which step failed and why");
        group.MapDelete("/{id}", DeleteAsync)
            .WithName("DeleteProvider").WithSummary("Delete a provider; refused while pending or running jobs use it");
        return endpoints;
    }

    private static async Task<Results<Created<StorageProviderSummary>, ValidationProblem>> CreateAsync(ProviderRequest body, IGrainFactory grains, ProviderStorage providers)
    {
        var errors = Validate(body, requireCredentials: true, providers.RefusedNetworks);
        if (errors.Count > 0)
        {
            return Invalid("Invalid provider", errors);
        }

        var id = Guid.CreateVersion7().ToString("N");
        var provider = await grains.GetGrain<IStorageProviderGrain>(id).CreateAsync(Definition(body));
        return TypedResults.Created($"/api/v1/providers/{id}", provider);
    }

    private static async Task<Results<Ok<StorageProviderSummary>, ValidationProblem, ProblemHttpResult>> UpdateAsync(string id, ProviderRequest body, IGrainFactory grains, ProviderStorage providers)
    {
        var existing = await grains.GetGrain<IStorageProviderGrain>(id).GetAsync();
        if (existing is null)
        {
            return NotFound(id);
        }

        // Credentials may be left out to keep them, unless the provider becomes an S3 one now.
        var errors = Validate(body, requireCredentials: existing.Type != StorageTypes.S3, providers.RefusedNetworks);
        if (errors.Count > 0)
        {
            return Invalid("Invalid provider", errors);
        }

        var updated = await grains.GetGrain<IStorageProviderGrain>(id).UpdateAsync(Definition(body));
        return updated is null ? NotFound(id) : TypedResults.Ok(updated);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(string id, IGrainFactory grains, IJobIndex jobs)
    {
        if (await grains.GetGrain<IStorageProviderGrain>(id).GetAsync() is null)
        {
            return NotFound(id);
        }

        var inUse = 0;
        foreach (var state in new[] { JobState.Pending, JobState.Running })
        {
            inUse += await jobs.CountAsync(new JobQuery(State: state, ProviderId: id));
        }

        var schedules = await grains.Of(Directories.Schedules).ListAsync();
        var usedBy = (await Task.WhenAll(schedules.Select(s => grains.GetGrain<IScheduleGrain>(s).GetAsync())))
            .OfType<ScheduleDetails>().Where(s => s.Definition.ProviderId == id).Select(s => $"'{s.Definition.Name}' ({s.Id})").ToList();
        if (usedBy.Count > 0)
        {
            return Problem(StatusCodes.Status409Conflict, "Provider in use",
                $"Schedule(s) {string.Join(", ", usedBy)} store their bundles in provider '{id}'. Point them at another provider or delete them first.");
        }

        if (inUse > 0)
        {
            return Problem(StatusCodes.Status409Conflict, "Provider in use",
                $"{inUse} pending or running job(s) use provider '{id}'. Cancel them or wait for them to end (GET /api/v1/jobs?state=pending), then delete it.");
        }

        await grains.GetGrain<IStorageProviderGrain>(id).DeleteAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ProviderTestResult>, ProblemHttpResult>> TestAsync(
        string id, IGrainFactory grains, ProviderStorage providers, IOptions<MasterOptions> options, CancellationToken cancellationToken)
    {
        StorageTargetSettings? settings;
        try
        {
            settings = await grains.GetGrain<IStorageProviderGrain>(id).GetTargetSettingsAsync();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return TypedResults.Ok(new ProviderTestResult(false, "credentials",
                "The provider's credentials cannot be opened with any key in BACKUPD_SECRET_KEY (the key they were encrypted with is missing). "
                + $"Restore that key, or enter them again with PUT /api/v1/providers/{id}."));
        }

        if (settings is null)
        {
            return NotFound(id);
        }

        if (settings.S3 is not { } s3)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Tested on nodes only",
                $"Provider '{id}' is a local folder on the nodes, which the master cannot see. Run a job: its upload_remote stage says whether the folder exists and is writable.");
        }

        // A port that accepts and never answers must not hold the admin (and a connection) for minutes.
        var timeout = options.Value.ProviderTestTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var storage = providers.OpenS3(settings, s3);
        try
        {
            var probe = await storage.ProbeAsync(deadline.Token);
            return TypedResults.Ok(new ProviderTestResult(probe.Succeeded, probe.FailedStep?.ToString().ToLowerInvariant(), probe.Error));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Ok(new ProviderTestResult(false, "write",
                $"{s3.Endpoint ?? "The S3 service"} did not finish answering within {timeout.TotalSeconds:0.#} s (BACKUPD_PROVIDER_TEST_TIMEOUT). "
                + "Check that the endpoint is the S3 service's URL and port, and that nothing between drops the traffic."));
        }
    }

    private static async Task<Ok<StorageProviderSummary[]>> ListAsync(IGrainFactory grains)
    {
        var ids = await grains.Of(Directories.Providers).ListAsync();
        var providers = await Task.WhenAll(ids.Select(id => grains.GetGrain<IStorageProviderGrain>(id).GetAsync()));
        return TypedResults.Ok(providers.OfType<StorageProviderSummary>().ToArray());
    }

    private static async Task<Results<Ok<StorageProviderSummary>, ProblemHttpResult>> GetAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<IStorageProviderGrain>(id).GetAsync() is { } provider ? TypedResults.Ok(provider) : NotFound(id);

    private static List<(string, string)> Validate(ProviderRequest body, bool requireCredentials, IReadOnlyList<System.Net.IPNetwork> refused)
    {
        var errors = new List<(string, string)>();
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Length > 100)
        {
            errors.Add(("name", "is required: 1 to 100 characters"));
        }

        switch (body.Type)
        {
            case StorageTypes.Local:
                if (string.IsNullOrWhiteSpace(body.Path) || !Path.IsPathFullyQualified(body.Path))
                {
                    errors.Add(("path", "is required for a local provider: an absolute directory path on the nodes, e.g. /var/backups/backupd"));
                }

                break;
            case StorageTypes.S3:
                ValidateS3(body, requireCredentials, refused, errors);
                break;
            default:
                errors.Add(("type", $"must be one of: {string.Join(", ", StorageTypes.All)}"));
                break;
        }

        if (Prefix(body).Split('/').Any(segment => segment is ".." or "."))
        {
            errors.Add(("prefix", "must not contain '.' or '..' segments"));
        }

        return errors;
    }

    private static void ValidateS3(ProviderRequest body, bool requireCredentials, IReadOnlyList<System.Net.IPNetwork> refused, List<(string, string)> errors)
    {
        Uri? endpoint = null;
        if (!string.IsNullOrEmpty(body.Endpoint)
            && (!Uri.TryCreate(body.Endpoint, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
        {
            errors.Add(("endpoint", "must be an http:// or https:// URL, e.g. https://s3.us-west-004.backblazeb2.com, or empty for AWS"));
        }
        else if (endpoint is not null && System.Net.IPAddress.TryParse(endpoint.IdnHost, out var address) && RefusingConnect.IsRefused(address, refused))
        {
            // Host names are checked again at each connection, against what they resolve to then.
            errors.Add(("endpoint", $"{address} is a link-local or cloud metadata address, which the master does not connect to (BACKUPD_PROVIDER_REFUSED_NETWORKS)"));
        }

        if (string.IsNullOrWhiteSpace(body.Region))
        {
            errors.Add(("region", "is required, e.g. us-east-1 (AWS), us-west-004 (Backblaze B2), auto (Cloudflare R2)"));
        }

        if (body.Bucket is null || !BucketName().IsMatch(body.Bucket))
        {
            errors.Add(("bucket", "must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit"));
        }

        if (requireCredentials && string.IsNullOrEmpty(body.AccessKeyId))
        {
            errors.Add(("accessKeyId", "is required"));
        }

        if (requireCredentials && string.IsNullOrEmpty(body.SecretAccessKey))
        {
            errors.Add(("secretAccessKey", "is required"));
        }
    }

    private static string Prefix(ProviderRequest body) => (body.Prefix ?? "").Trim('/');

    private static StorageProviderDefinition Definition(ProviderRequest body) => new(
        body.Name!.Trim(), body.Type!, body.Type == StorageTypes.Local ? body.Path : null, Prefix(body),
        body.Type == StorageTypes.S3
            ? new S3Location(string.IsNullOrEmpty(body.Endpoint) ? null : body.Endpoint, body.Region!.Trim(), body.Bucket!, body.ForcePathStyle ?? false,
                string.IsNullOrEmpty(body.AccessKeyId) ? null : body.AccessKeyId, string.IsNullOrEmpty(body.SecretAccessKey) ? null : body.SecretAccessKey)
            : null);

    private static ProblemHttpResult NotFound(string id) =>
        Problem(StatusCodes.Status404NotFound, "No such provider", $"No provider has the id '{id}'. GET /api/v1/providers lists them.");

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}

/// <summary>What <c>POST /providers/{id}/test</c> found.</summary>
/// <param name="Ok">Whether a probe object could be written, read back and deleted.</param>
/// <param name="FailedStep"><c>write</c>, <c>read</c> or <c>delete</c>, when one failed.</param>
/// <param name="Error">What went wrong and how to fix it (never a secret).</param>
public sealed record ProviderTestResult(bool Ok, string? FailedStep, string? Error);

/// <summary>A storage provider's settings, for create and update.</summary>
/// <param name="Name">A name people recognise.</param>
/// <param name="Type"><c>local</c> or <c>s3</c>.</param>
/// <param name="Path">For <c>local</c>: an absolute directory on the node running each job; it must exist there.</param>
/// <param name="Prefix">Sub-directory (key prefix) for every bundle; optional.</param>
/// <param name="Endpoint">For <c>s3</c>: the service URL; empty for AWS.</param>
/// <param name="Region">For <c>s3</c>: the region.</param>
/// <param name="Bucket">For <c>s3</c>: the bucket.</param>
/// <param name="ForcePathStyle">For <c>s3</c>: path-style addressing (MinIO and most self-hosted stores).</param>
/// <param name="AccessKeyId">For <c>s3</c>: the access key id; on update, omit to keep the stored one.</param>
/// <param name="SecretAccessKey">For <c>s3</c>: the secret key; on update, omit to keep the stored one. Never shown again.</param>
public sealed record ProviderRequest(
    string? Name, string? Type, string? Path, string? Prefix,
    string? Endpoint = null, string? Region = null, string? Bucket = null, bool? ForcePathStyle = null,
    string? AccessKeyId = null, string? SecretAccessKey = null)
{
    /// <summary>Never shows the secret (it would otherwise reach logs of model binding errors).</summary>
    public override string ToString() => $"ProviderRequest {{ Name = {Name}, Type = {Type}, Bucket = {Bucket} }}";
}
