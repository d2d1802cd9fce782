using Backupd.Contracts.NodeApi;
using Backupd.Grains.Jobs;
using Backupd.Grains.Nodes;
using Backupd.Master.Storage;
using Backupd.Modules;
using Backupd.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using static Backupd.Master.Apis.ApiProblems;

namespace Backupd.Master.NodeApi;

/// <summary>
/// The node API's bundle routes: the master places each job's bundle and, for S3 providers,
/// signs the node's body requests for that one object and makes the others itself; a verify or
/// restore job gets a signed GET of the one bundle it was made for. The provider's
/// credentials never leave the master; the node gets URLs good for one key, one part, one lease.
/// </summary>
public static class BundleUploadEndpoints
{
    // What the master starts at the store it finishes, even when the node hangs up meanwhile (a
    // node that dies waiting for its bundle's check still leaves a checked bundle behind). The
    // store requests have their own stall timeouts and retries.
    private static readonly CancellationToken StoreWork = CancellationToken.None;

    // A URL outlives the lease it was issued under by at most this; a node asks for one just
    // before each request it sends, so it needs no longer.
    private static readonly TimeSpan MinimumUrlLifetime = TimeSpan.FromSeconds(30);

    /// <summary>Maps the routes into the node API's group.</summary>
    public static RouteGroupBuilder MapBundleUploads(this RouteGroupBuilder group)
    {
        group.MapPost("/jobs/{jobId}/bundle", PlaceAsync);
        group.MapPost("/jobs/{jobId}/bundle/multipart", StartMultipartAsync);
        group.MapPost("/jobs/{jobId}/bundle/url", SignAsync);
        group.MapPost("/jobs/{jobId}/bundle/complete", CompleteAsync);
        group.MapPost("/jobs/{jobId}/bundle/abort", AbortAsync);
        group.MapPost("/jobs/{jobId}/bundle/verify", VerifyAsync);
        group.MapPost("/jobs/{jobId}/bundle/read", SignReadAsync);
        return group;
    }

    private static async Task<Ok<BundlePlacement>> PlaceAsync(string jobId, BundlePlacementRequest body, HttpContext context, IGrainFactory grains)
    {
        var (session, apiKey) = NodeApiEndpoints.Caller(context, grains);
        var placed = await session.PlaceBundleAsync(apiKey, jobId, body.Attempt, body.Site ?? string.Empty, body.Sha256Hex);
        return TypedResults.Ok(new BundlePlacement(placed.Key, placed.FullKey));
    }

    private static Task<IResult> StartMultipartAsync(string jobId, BundleUploadRequest body, HttpContext context, IGrainFactory grains, ProviderStorage providers) =>
        RunAsync(context, grains, providers, jobId, body, Step(BundleUploadAction.StartMultipart, body), async (session, apiKey, authority, upload) =>
        {
            // An upload already under way for this bundle (an earlier attempt's, taken over with
            // its placement, or this attempt's before the node stopped): it goes on from the parts
            // the store holds. The node checks each against its own file before skipping it.
            if (upload is { UploadId: { } existing, Completed: false } && await authority.ListPartsAsync(upload.FullKey, existing, StoreWork) is { } stored)
            {
                return TypedResults.Ok(new MultipartUploadStarted(existing) { Stored = stored });
            }

            var uploadId = await authority.StartMultipartAsync(upload.FullKey, upload.Sha256Hex!, StoreWork);
            if (await session.RecordUploadAsync(apiKey, jobId, body.Attempt, new BundleUploadChange(BundleUploadAction.StartMultipart, uploadId)) is { } replaced)
            {
                // The node started again (its answer was lost, or it retried): the earlier upload's parts are nobody's.
                await TryAbortAsync(authority, upload.FullKey, replaced);
            }

            return TypedResults.Ok(new MultipartUploadStarted(uploadId));
        });

    private static Task<IResult> SignAsync(
        string jobId, BundleUploadRequest body, HttpContext context, IGrainFactory grains, ProviderStorage providers, IOptions<JobOptions> jobs, TimeProvider time)
    {
        var action = body.UploadId is null ? BundleUploadAction.SignPut : BundleUploadAction.SignPart;
        return RunAsync(context, grains, providers, jobId, body, Step(action, body), async (_, _, authority, upload) =>
        {
            var lifetime = jobs.Value.LeaseDuration > MinimumUrlLifetime ? jobs.Value.LeaseDuration : MinimumUrlLifetime;
            var expiresAt = time.GetUtcNow() + lifetime;
            var signed = action == BundleUploadAction.SignPut
                ? await authority.SignPutAsync(upload.FullKey, upload.Sha256Hex!, expiresAt)
                : await authority.SignPartAsync(upload.FullKey, upload.UploadId!, body.PartNumber!.Value, expiresAt);
            return TypedResults.Ok(signed);
        });
    }

    private static Task<IResult> CompleteAsync(string jobId, BundleUploadRequest body, HttpContext context, IGrainFactory grains, ProviderStorage providers) =>
        RunAsync(context, grains, providers, jobId, body, Step(BundleUploadAction.Complete, body), async (session, apiKey, authority, upload) =>
        {
            if (!upload.Completed)
            {
                if (body.Parts is not { Count: > 0 } parts || parts.Count != upload.PartCount)
                {
                    return Problem(StatusCodes.Status400BadRequest, "Invalid upload step", $"Completing {upload.FullKey} needs its {upload.PartCount} parts with their ETags.");
                }

                await authority.CompleteMultipartAsync(upload.FullKey, upload.UploadId!, parts, StoreWork);
                await session.RecordUploadAsync(apiKey, jobId, body.Attempt, new BundleUploadChange(BundleUploadAction.Complete));
            }

            return TypedResults.NoContent();
        });

    private static Task<IResult> AbortAsync(string jobId, BundleUploadRequest body, HttpContext context, IGrainFactory grains, ProviderStorage providers) =>
        RunAsync(context, grains, providers, jobId, body, Step(BundleUploadAction.Abort, body), async (session, apiKey, authority, upload) =>
        {
            await authority.AbortMultipartAsync(upload.FullKey, upload.UploadId!, StoreWork);
            await session.RecordUploadAsync(apiKey, jobId, body.Attempt, new BundleUploadChange(BundleUploadAction.Abort));
            return TypedResults.NoContent();
        });

    private static Task<IResult> VerifyAsync(string jobId, BundleUploadRequest body, HttpContext context, IGrainFactory grains, ProviderStorage providers) =>
        RunAsync(context, grains, providers, jobId, body, Step(BundleUploadAction.Verify, body), async (session, apiKey, authority, upload) =>
        {
            if (body.Checksums is not { } checksums)
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid upload step", "Checking a stored copy needs the MD5s the node read.");
            }

            await authority.VerifyAsync(upload.FullKey, upload.Size!.Value, upload.Sha256Hex!, checksums, StoreWork);
            await session.RecordUploadAsync(apiKey, jobId, body.Attempt, new BundleUploadChange(BundleUploadAction.Verify));
            return TypedResults.NoContent();
        });

    // A verify or restore job's one read: a GET of the bundle its config names, signed like an
    // upload's requests and for no longer; any other key, or a job that reads none, is refused.
    private static async Task<IResult> SignReadAsync(
        string jobId, BundleUploadRequest body, HttpContext context, IGrainFactory grains, ProviderStorage providers, IOptions<JobOptions> jobs, TimeProvider time)
    {
        var (session, apiKey) = NodeApiEndpoints.Caller(context, grains);
        var provider = await session.AuthorizeBundleReadAsync(apiKey, jobId, body.Attempt, body.FullKey ?? string.Empty);
        using var storage = providers.Open(provider) as IDisposable;
        if (storage is not S3BundleStorage s3)
        {
            return Problem(StatusCodes.Status409Conflict, "Not an S3 provider", $"Provider {provider.ProviderId} is not an S3 bucket; the node reads from it itself.");
        }

        var lifetime = jobs.Value.LeaseDuration > MinimumUrlLifetime ? jobs.Value.LeaseDuration : MinimumUrlLifetime;
        return TypedResults.Ok(await s3.Authority.SignGetAsync(body.FullKey!, time.GetUtcNow() + lifetime));
    }

    private static BundleUploadStep Step(BundleUploadAction action, BundleUploadRequest body) =>
        new(action, body.FullKey ?? string.Empty, body.Size, body.Sha256Hex, body.PartSize, body.UploadId, body.PartNumber);

    // Authorize the step with the job (the session checks the node's key, the job its lease and
    // placement), then carry it out with the provider's credentials, here on the master.
    private static async Task<IResult> RunAsync(
        HttpContext context, IGrainFactory grains, ProviderStorage providers, string jobId, BundleUploadRequest body, BundleUploadStep step,
        Func<INodeSessionGrain, string, S3UploadAuthority, BundleUploadRecord, Task<IResult>> carryOut)
    {
        var (session, apiKey) = NodeApiEndpoints.Caller(context, grains);
        BundleUploadTicket ticket;
        try
        {
            ticket = await session.AuthorizeUploadAsync(apiKey, jobId, body.Attempt, step);
        }
        catch (ArgumentException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid upload step", ex.Message);
        }

        using var storage = providers.Open(ticket.Provider) as IDisposable;
        if (storage is not S3BundleStorage s3)
        {
            return Problem(StatusCodes.Status409Conflict, "Not an S3 provider", $"Provider {ticket.Provider.ProviderId} is not an S3 bucket; the node writes to it itself.");
        }

        try
        {
            return await carryOut(session, apiKey, s3.Authority, ticket.Upload);
        }
        catch (ModuleFailedException ex)
        {
            // The store's own answer, in words, for the node's job log; whether it may pass by
            // itself, so the node knows to try the stage again later.
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status422UnprocessableEntity, title: "The store refused",
                extensions: new Dictionary<string, object?> { [NodeApiProblems.Transient] = ex.Transient });
        }
    }

    private static async Task TryAbortAsync(S3UploadAuthority authority, string fullKey, string uploadId)
    {
        try
        {
            await authority.AbortMultipartAsync(fullKey, uploadId, CancellationToken.None);
        }
        catch (ModuleFailedException)
        {
            // A leftover upload costs storage until the bucket's lifecycle rule removes it; the new one goes on.
        }
    }
}
