using Backupd.Contracts.Jobs;
using Backupd.Contracts.Storage;
using Backupd.Grains.Jobs;
using Backupd.Grains.Schedules;
using Backupd.Grains.Storage;
using Backupd.Master.Options;
using Backupd.Master.Storage;
using Backupd.Storage;
using Backupd.Storage.Targets;
using Microsoft.Extensions.Options;

namespace Backupd.Master.Application.Providers;

/// <summary>
/// Storage providers as an admin handles them: create, change, delete (not while in use), list,
/// and test from the master. Nothing it answers carries a secret.
/// </summary>
public sealed class ProviderService(
    IGrainFactory grains, IProviderIndex index, IScheduleIndex schedules, IJobIndex jobs, StorageTargetRegistry registry, ProviderStorage storage,
    IOptions<MasterOptions> options)
{
    /// <summary>Checks the request and adds the provider.</summary>
    public async Task<Outcome<StorageProviderSummary>> CreateAsync(ProviderRequest request)
    {
        var errors = Validate(request, requireCredentials: true);
        if (errors.Count > 0)
        {
            return Problem.Invalid("Invalid provider", errors);
        }

        return await grains.GetGrain<IStorageProviderGrain>(Guid.CreateVersion7().ToString("N")).CreateAsync(Definition(request));
    }

    /// <summary>Checks the request and replaces the provider's settings; credentials left out are kept.</summary>
    public async Task<Outcome<StorageProviderSummary>> UpdateAsync(string id, ProviderRequest request)
    {
        var existing = await grains.GetGrain<IStorageProviderGrain>(id).GetAsync();
        if (existing is null)
        {
            return NotFound(id);
        }

        // Credentials may be left out to keep them, unless the provider changes type now.
        var errors = Validate(request, requireCredentials: existing.Type != request.Type);
        if (errors.Count > 0)
        {
            return Problem.Invalid("Invalid provider", errors);
        }

        return await grains.GetGrain<IStorageProviderGrain>(id).UpdateAsync(Definition(request)) is { } updated ? updated : NotFound(id);
    }

    /// <summary>Deletes the provider, unless a schedule stores its bundles there or a pending or running job uses it.</summary>
    public async Task<Outcome<Done>> DeleteAsync(string id)
    {
        if (await grains.GetGrain<IStorageProviderGrain>(id).GetAsync() is null)
        {
            return NotFound(id);
        }

        var usedBy = (await schedules.ListAsync(new ScheduleFilter(ProviderId: id))).Select(s => $"'{s.Definition.Name}' ({s.Id})").ToList();
        if (usedBy.Count > 0)
        {
            return Problem.Conflict("Provider in use",
                $"Schedule(s) {string.Join(", ", usedBy)} store their bundles in provider '{id}'. Point them at another provider or delete them first.");
        }

        var inUse = 0;
        foreach (var state in new[] { JobState.Pending, JobState.Running })
        {
            inUse += await jobs.CountAsync(new JobQuery(State: state, ProviderId: id));
        }

        if (inUse > 0)
        {
            return Problem.Conflict("Provider in use",
                $"{inUse} pending or running job(s) use provider '{id}'. Cancel them or wait for them to end (GET /api/v1/jobs?state=pending), then delete it.");
        }

        await grains.GetGrain<IStorageProviderGrain>(id).DeleteAsync();
        return Done.Value;
    }

    /// <summary>Every provider, oldest first, from the provider index.</summary>
    public Task<IReadOnlyList<StorageProviderSummary>> ListAsync() => index.ListAsync();

    /// <summary>One provider.</summary>
    public async Task<Outcome<StorageProviderSummary>> GetAsync(string id) =>
        await grains.GetGrain<IStorageProviderGrain>(id).GetAsync() is { } provider ? provider : NotFound(id);

    /// <summary>Writes, reads and deletes a probe object from the master, and says which step failed and why.</summary>
    public async Task<Outcome<ProviderTestResult>> TestAsync(string id, CancellationToken cancellationToken)
    {
        StorageTargetSettings? settings;
        try
        {
            settings = await grains.GetGrain<IStorageProviderGrain>(id).GetTargetSettingsAsync();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return new ProviderTestResult(false, "credentials",
                "The provider's credentials cannot be opened with any key in BACKUPD_SECRET_KEY (the key they were encrypted with is missing). "
                + $"Restore that key, or enter them again with PUT /api/v1/providers/{id}.");
        }

        if (settings is null)
        {
            return NotFound(id);
        }

        if (!storage.IsReachable(settings))
        {
            return Problem.Unprocessable("Tested on nodes only",
                $"Provider '{id}' is a local folder on the nodes, which the master cannot see. Run a job: its upload_remote stage says whether the folder exists and is writable.");
        }

        // A port that accepts and never answers must not hold the admin (and a connection) for minutes.
        var timeout = options.Value.ProviderTestTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var opened = storage.Open(settings);
        try
        {
            if (opened is not IStorageProbe probe)
            {
                return Problem.Unprocessable("Cannot be tested", $"Provider '{id}' is of a type the master cannot test. Run a job to try it.");
            }

            var result = await probe.ProbeAsync(deadline.Token);
            return new ProviderTestResult(result.Succeeded, result.FailedStep?.ToString().ToLowerInvariant(), result.Error);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ProviderTestResult(false, "write",
                $"{settings.S3?.Endpoint ?? "The S3 service"} did not finish answering within {timeout.TotalSeconds:0.#} s (BACKUPD_PROVIDER_TEST_TIMEOUT). "
                + "Check that the endpoint is the S3 service's URL and port, and that nothing between drops the traffic.");
        }
        finally
        {
            (opened as IDisposable)?.Dispose();
        }
    }

    // The name is the provider's own; everything else is the storage type's to check.
    private List<FieldError> Validate(ProviderRequest request, bool requireCredentials)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            errors.Add(new("name", "is required: 1 to 100 characters"));
        }

        errors.AddRange(registry.Validate(request.Fields, new StorageValidationRules(requireCredentials, storage.RefusedNetworks))
            .Select(error => new FieldError(error.Field, error.Message)));
        return errors;
    }

    private StorageProviderDefinition Definition(ProviderRequest request) => registry.ToDefinition(request.Name!.Trim(), request.Fields);

    private static Problem NotFound(string id) => Problem.NotFound("No such provider", $"No provider has the id '{id}'. GET /api/v1/providers lists them.");
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
    /// <summary>The storage settings, for the storage type to check and store.</summary>
    internal StorageTargetFields Fields => new(Type, Path, Prefix, Endpoint, Region, Bucket, ForcePathStyle, AccessKeyId, SecretAccessKey);

    /// <summary>Never shows the secret (it would otherwise reach logs of model binding errors).</summary>
    public override string ToString() => $"ProviderRequest {{ Name = {Name}, Type = {Type}, Bucket = {Bucket} }}";
}
