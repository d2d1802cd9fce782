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
        // Request context travels with calls to client observers: the proof must never reach a node.
        if (!GrainTypePrefix.IsClient(target) || target.Key.ToString() == _hostedClientKey)
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
