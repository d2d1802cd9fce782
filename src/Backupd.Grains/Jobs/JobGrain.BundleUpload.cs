using Backupd.Contracts.Storage;
using Backupd.Grains.Storage;
using Backupd.Modules.Storage;
using Microsoft.Extensions.Logging;

namespace Backupd.Grains.Jobs;

// The master's record of where a job's bundle goes and how its upload went: the node names the
// site, the master makes the key; every later step must quote that key and what the node
// declared about the bundle before sending it.
public sealed partial class JobGrain
{
    private const int MaxSiteLength = 100;
    private static readonly TimeSpan LeftoverAbortTimeout = TimeSpan.FromMinutes(2);
    private IGrainTimer? _leftoverAbort;

    // A multipart upload the master started for an attempt that is over without its bundle, and
    // that no later attempt is to go on with.
    private BundleUploadRecord? LeftoverUpload =>
        State.Bundle is { UploadId: not null, Completed: false } upload
        && (State.State != Contracts.Jobs.JobState.Running || upload.Attempt != State.Attempts)
        && !(upload.KeptForNextAttempt && State.State is Contracts.Jobs.JobState.Pending or Contracts.Jobs.JobState.Running)
            ? upload
            : null;

    // An attempt that ended without its bundle (a failure, a cancel, a node that died) may leave
    // a multipart upload open, whose parts the store bills until someone aborts it. The master
    // started it, so the master aborts it: in a turn of its own right after the one that ended
    // the attempt (the node's call is not held up by the store), and at the next activation when
    // the master went down first.
    private void AbortLeftoverUploadSoon()
    {
        if ((LeftoverUpload is not null || State.AbandonedBundles.Count > 0) && _leftoverAbort is null)
        {
            _leftoverAbort = this.RegisterGrainTimer(AbortLeftoverUploadAsync, new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { KeepAlive = true });
        }
    }

    private async Task AbortLeftoverUploadAsync(CancellationToken cancellationToken)
    {
        _leftoverAbort?.Dispose();
        _leftoverAbort = null;
        if (LeftoverUpload is null && State.AbandonedBundles.Count == 0)
        {
            return;
        }

        var settings = await GrainFactory.GetGrain<IStorageProviderGrain>(State.Spec!.ProviderId).GetTargetSettingsAsync();
        if (LeftoverUpload is { } upload)
        {
            await RemoveLeftoversAsync(settings, upload);
            State.Bundle = upload with { UploadId = null };
        }

        foreach (var abandoned in State.AbandonedBundles.ToList())
        {
            await RemoveLeftoversAsync(settings, abandoned);
            State.AbandonedBundles.Remove(abandoned);
        }

        await SaveAsync();
    }

    // What an attempt left in storage that no job will ever point to: an open multipart upload is
    // aborted; an object completed but never checked (the node went away between the two) is
    // deleted where the master deletes bundles. Said in the job's log either way, with the way
    // out when it failed: the parts and objects cost money until they are gone.
    private async Task RemoveLeftoversAsync(StorageTargetSettings? settings, BundleUploadRecord upload)
    {
        var bucket = settings?.S3?.Bucket ?? "<bucket>";
        if (upload is { UploadId: { } uploadId, Completed: false })
        {
            await TryInStorageAsync(
                ct => storage.AbortUploadAsync(settings ?? throw NoProvider(), upload.FullKey, uploadId, ct),
                upload.FullKey,
                $"Aborted the unfinished upload of {upload.FullKey} left by attempt {upload.Attempt}: no parts of it stay in storage",
                reason => $"Could not abort the unfinished upload of {upload.FullKey} left by attempt {upload.Attempt} ({reason}). Its parts stay in the bucket until removed: "
                    + $"aws s3api abort-multipart-upload --bucket {bucket} --key {upload.FullKey} --upload-id {uploadId}, or a lifecycle rule (AbortIncompleteMultipartUpload)");
        }
        else if (upload is { Completed: true, Verified: false } && settings is not null && storage.DeletesFromMaster(settings)
            && State.Result?.ObjectKey != upload.FullKey && State.Bundle?.FullKey != upload.FullKey)
        {
            await TryInStorageAsync(
                ct => storage.DeleteAsync(settings, upload.FullKey, ct),
                upload.FullKey,
                $"Deleted {upload.FullKey}, which attempt {upload.Attempt} stored but never had checked: no job points to it",
                reason => $"Could not delete {upload.FullKey}, which attempt {upload.Attempt} stored but never had checked ({reason}); no job points to it: "
                    + $"aws s3api delete-object --bucket {bucket} --key {upload.FullKey}");
        }

        InvalidOperationException NoProvider() => new($"provider {State.Spec!.ProviderId} no longer exists");
    }

    // One clean-up request to the store, said in the job's log either way: what was done, or
    // why not and the command that does it by hand.
    private async Task TryInStorageAsync(Func<CancellationToken, Task> request, string fullKey, string done, Func<string, string> failed)
    {
        using var timeout = new CancellationTokenSource(LeftoverAbortTimeout, time);
        try
        {
            await request(timeout.Token);
            AddLog(Contracts.Jobs.JobLogLevel.Info, done);
        }
        catch (Exception ex) when (ex is Modules.ModuleFailedException or OperationCanceledException or InvalidOperationException or NotSupportedException)
        {
            AddLog(Contracts.Jobs.JobLogLevel.Warning, failed(ex.Message));
            LogLeftoverAbortFailed(JobId, fullKey, ex.Message);
        }
    }

    public async Task<BundleUploadRecord?> PlaceBundleAsync(string nodeId, int attempt, string site, string? sha256Hex)
    {
        if (!HoldsLease(nodeId, attempt))
        {
            return null;
        }

        if (Modules.ModuleNames.IsMasterOnly(State.Spec!.Module))
        {
            // Retention's and verification's jobs store nothing: a bundle they placed could only
            // stand beside, or be taken for, the backups they are about.
            LogPlacementRefused(JobId, nodeId, State.Spec.Module);
            return null;
        }

        if (State.Bundle is { } placed && placed.Attempt == attempt)
        {
            // The node asked again (its answer was lost): the same place.
            return placed;
        }

        if (State.Bundle is { KeptForNextAttempt: true } kept && kept.Attempt < attempt
            && (kept.Sha256Hex is null || string.Equals(kept.Sha256Hex, sha256Hex, StringComparison.OrdinalIgnoreCase)))
        {
            // The bundle an earlier attempt placed, kept by the node: the same key (whatever
            // reached it is overwritten, nothing is left beside it) and, if it was under way,
            // the same multipart upload, which goes on from the parts already stored.
            var resumable = kept is { UploadId: not null, Completed: false };
            State.Bundle = kept with { Attempt = attempt, KeptForNextAttempt = false, Completed = false, Verified = false, UploadId = resumable ? kept.UploadId : null };
            AddLog(Contracts.Jobs.JobLogLevel.Info, $"Bundle placed at {kept.FullKey} again: the node kept the bundle of attempt {kept.Attempt}"
                + (resumable ? ", and its upload goes on from the parts already stored" : string.Empty));
            await SaveAsync();
            return State.Bundle;
        }

        if (State.Bundle is { } earlier && (earlier.UploadId is not null || earlier is { Completed: true, Verified: false }))
        {
            // A placement no attempt will go on with: its leftovers go once this one is recorded.
            State.AbandonedBundles.Add(earlier with { KeptForNextAttempt = false });
        }

        var spec = State.Spec!;
        var provider = await GrainFactory.GetGrain<IStorageProviderGrain>(spec.ProviderId).GetAsync()
            ?? throw new InvalidOperationException($"Provider {spec.ProviderId} of job {JobId} no longer exists.");
        // The site is only a label: made key-safe, and short enough that no key reaches S3's 1,024 bytes.
        var key = BundleKey.Compose(spec.NodeId, spec.Module, site.Length > MaxSiteLength ? site[..MaxSiteLength] : site, time.GetUtcNow(), JobId);
        State.Bundle = new BundleUploadRecord { Attempt = attempt, Key = key, FullKey = BundleKey.WithPrefix(provider.Prefix, key) };
        AddLog(Contracts.Jobs.JobLogLevel.Info, $"Bundle placed at {State.Bundle.FullKey}");
        await SaveAsync();
        AbortLeftoverUploadSoon();
        return State.Bundle;
    }

    public async Task<BundleUploadRecord?> AuthorizeUploadAsync(string nodeId, int attempt, BundleUploadStep step)
    {
        if (!HoldsLease(nodeId, attempt) || State.Bundle is not { } upload || upload.Attempt != attempt || upload.FullKey != step.FullKey)
        {
            LogUploadRefused(JobId, nodeId, step.Action, step.FullKey);
            return null;
        }

        switch (step.Action)
        {
            case BundleUploadAction.StartMultipart or BundleUploadAction.SignPut or BundleUploadAction.Verify:
                var declared = Declare(upload, step);
                if (declared != upload)
                {
                    State.Bundle = declared;
                    await SaveAsync();
                }

                return declared;
            case BundleUploadAction.SignPart when step.UploadId != upload.UploadId || upload.UploadId is null:
            case BundleUploadAction.Complete or BundleUploadAction.Abort when step.UploadId != upload.UploadId || upload.UploadId is null:
                throw new ArgumentException($"Upload {step.UploadId} is not the multipart upload the master started for {upload.FullKey}.");
            case BundleUploadAction.SignPart when step.PartNumber is not { } part || part < 1 || part > upload.PartCount:
                throw new ArgumentException($"Part {step.PartNumber} is not one of the {upload.PartCount} parts of {upload.FullKey}.");
            default:
                return upload;
        }
    }

    public Task<bool> AuthorizeReadAsync(string nodeId, int attempt, string fullKey)
    {
        var allowed = HoldsLease(nodeId, attempt) && Modules.ModuleNames.ReadsBundle(State.Spec!.Module)
            && BundleSource.In(State.Spec.ConfigJson)?.Key is { } key && key == fullKey;
        if (!allowed)
        {
            LogReadRefused(JobId, nodeId, fullKey);
        }

        return Task.FromResult(allowed);
    }

    public async Task<string?> RecordUploadAsync(string nodeId, int attempt, BundleUploadChange change)
    {
        if (!HoldsLease(nodeId, attempt) || State.Bundle is not { } upload || upload.Attempt != attempt)
        {
            return null;
        }

        string? replaced = null;
        switch (change.Action)
        {
            case BundleUploadAction.StartMultipart:
                replaced = upload.UploadId;
                State.Bundle = upload with { UploadId = change.UploadId, Completed = false, Verified = false };
                break;
            case BundleUploadAction.Complete:
                State.Bundle = upload with { Completed = true };
                break;
            case BundleUploadAction.Abort:
                State.Bundle = upload with { UploadId = null, Completed = false };
                break;
            case BundleUploadAction.Verify:
                State.Bundle = upload with { Verified = true };
                AddLog(Contracts.Jobs.JobLogLevel.Info, $"The master checked the stored copy of {upload.FullKey}: {upload.Size} bytes, SHA-256 {upload.Sha256Hex}");
                break;
        }

        await SaveAsync();
        return replaced;
    }

    // The size and digest the node declares before sending are fixed for the attempt: what it
    // signs, completes and checks later must be the same bundle.
    private static BundleUploadRecord Declare(BundleUploadRecord upload, BundleUploadStep step)
    {
        if (step.Size is not { } size || size < 0 || step.Sha256Hex is not { Length: 64 } sha || !sha.All(Uri.IsHexDigit))
        {
            throw new ArgumentException("The bundle's size and SHA-256 (64 hex digits) are required.");
        }

        sha = sha.ToLowerInvariant();
        if ((upload.Size is { } declaredSize && declaredSize != size) || (upload.Sha256Hex is { } declaredSha && declaredSha != sha))
        {
            throw new ArgumentException($"The bundle for {upload.FullKey} was declared as {upload.Size} bytes with SHA-256 {upload.Sha256Hex}; it cannot change within the attempt.");
        }

        if (step.Action == BundleUploadAction.StartMultipart
            && (step.PartSize is not { } partSize || partSize < 5L * 1024 * 1024 || partSize > 5L * 1024 * 1024 * 1024 || (size + partSize - 1) / partSize > 10_000))
        {
            throw new ArgumentException($"Part size {step.PartSize} does not fit S3: 5 MiB to 5 GiB, at most 10,000 parts for {size} bytes.");
        }

        if (step.Action == BundleUploadAction.Verify && upload.Size is null)
        {
            throw new ArgumentException($"Nothing was uploaded to {upload.FullKey} through the master yet.");
        }

        return upload with { Size = size, Sha256Hex = sha, PartSize = step.Action == BundleUploadAction.StartMultipart ? step.PartSize : upload.PartSize };
    }

    // Null when the reported result may stand: it is at the key the master placed it for this
    // attempt, and for a store the master reaches, what the master found there.
    private async Task<string?> RefuseResultAsync(int attempt, Contracts.Jobs.JobResult result)
    {
        var spec = State.Spec!;
        var provider = await GrainFactory.GetGrain<IStorageProviderGrain>(spec.ProviderId).GetAsync();
        if (provider is null)
        {
            return $"The node reported bundle {result.ObjectKey}, but provider {spec.ProviderId} no longer exists; the result was not recorded.";
        }

        if (State.Bundle is not { } placed || placed.Attempt != attempt || placed.FullKey != result.ObjectKey
            || !BundleKey.Belongs(result.ObjectKey, provider.Prefix, spec.NodeId, spec.Module, JobId))
        {
            var where = State.Bundle is { } p && p.Attempt == attempt ? $"the master placed it at '{p.FullKey}'" : "the node never asked the master where to put it";
            return $"The node reported bundle key '{result.ObjectKey}', which is not this job's: {where}. The result was refused and not recorded.";
        }

        if (provider.Type == StorageTypes.S3
            && (!placed.Verified || placed.Size != result.Size || !string.Equals(placed.Sha256Hex, result.Sha256, StringComparison.OrdinalIgnoreCase)))
        {
            return placed.Verified
                ? $"The node reported {result.Size} bytes with SHA-256 {result.Sha256} for {result.ObjectKey}, but the master checked {placed.Size} bytes with SHA-256 {placed.Sha256Hex} there. The result was refused and not recorded."
                : $"The node reported bundle {result.ObjectKey} as stored, but the master never checked a stored copy there. The result was refused and not recorded.";
        }

        return null;
    }

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: could not remove what an attempt left at {FullKey}: {Reason}")]
    private partial void LogLeftoverAbortFailed(string jobId, string fullKey, string reason);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: refused node {NodeId} a bundle placement: a {Module} job stores no bundle")]
    private partial void LogPlacementRefused(string jobId, string nodeId, string module);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: refused node {NodeId} a read of {FullKey}: not the bundle this job reads, or the lease is not the node's")]
    private partial void LogReadRefused(string jobId, string nodeId, string fullKey);

    [LoggerMessage(LogLevel.Warning, "Job {JobId}: refused node {NodeId} the upload step {Action} for key {FullKey}: not the job's placement, or the lease is not the node's")]
    private partial void LogUploadRefused(string jobId, string nodeId, BundleUploadAction action, string fullKey);
}
