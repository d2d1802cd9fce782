using Orleans.Runtime;

namespace Backupd.Master.Security;

/// <summary>Attaches the in-silo proof to every call made from inside the silo process, except calls to external clients.</summary>
public sealed class InSiloCallStamp(InSiloCallProof proof, ILocalSiloDetails silo) : IOutgoingGrainCallFilter
{
    // The co-hosted client (the REST API's IGrainFactory) has this id; calls to it stay inside the process.
    private readonly string _hostedClientKey = "hosted-" + silo.SiloAddress.ToParsableString();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        RequestContext.Remove(InSiloCallProof.RequestContextKey);
        var target = context.TargetId;
        // Request context travels with calls to client observers: the proof must never leave the
        // process. An observer's key is its client's key, '+', and the observer's own id; the
        // node API's signal streams are observers of the co-hosted client, inside this process.
        var client = GrainTypePrefix.IsClient(target) ? target.Key.ToString().Split('+')[0] : null;
        if (client is null || client == _hostedClientKey)
        {
            RequestContext.Set(InSiloCallProof.RequestContextKey, proof.Token);
        }

        try
        {
            await context.Invoke();
        }
        finally
        {
            RequestContext.Remove(InSiloCallProof.RequestContextKey);
        }
    }
}
