using System.Reflection;
using Backupd.Contracts.Nodes;
using Backupd.Grains.Nodes;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.Security;

/// <summary>
/// Refuses every call that does not carry the in-silo proof, unless it targets the node-facing
/// surface (<see cref="NodeFacingAttribute"/>) or is one of the few Orleans calls a connecting
/// client or a grain timer needs. Anything that reaches the gateway therefore reaches only
/// node-facing grains, which check the node's API key on each call.
/// </summary>
public sealed partial class GatewayCallGuard(InSiloCallProof proof, ILogger<GatewayCallGuard> logger) : IIncomingGrainCallFilter
{
    // Internal Orleans names: GatewayCallGuardTests fails if an Orleans upgrade renames them.
    internal const string ClusterManifestInterface = "Orleans.Runtime.IClusterManifestSystemTarget";
    internal const string CallCancellationInterface = "Orleans.Runtime.IGrainCallCancellationExtension";
    internal const string TimerTickRequest = "Orleans.Runtime.GrainTimer+TimerTickInvoker";

    public Task Invoke(IIncomingGrainCallContext context)
    {
        var presented = RequestContext.Get(InSiloCallProof.RequestContextKey);
        // Grain code never sees the proof, so it cannot leak it onward by accident.
        RequestContext.Remove(InSiloCallProof.RequestContextKey);
        if (!proof.Verify(presented) && !AllowedFromOutside(context))
        {
            LogRefused(context.SourceId?.ToString() ?? "unknown", context.InterfaceName, context.MethodName);
            throw new UnauthorizedAccessException($"{context.InterfaceName}.{context.MethodName} cannot be called from outside the master.");
        }

        return context.Invoke();
    }

    private static bool AllowedFromOutside(IIncomingGrainCallContext context)
    {
        var request = context.Request.GetType();
        if (request.FullName == TimerTickRequest && request.Assembly == typeof(Orleans.Runtime.Silo).Assembly)
        {
            return true;
        }

        // The interface the request will actually run, read from the request object, not from the forgeable header.
        var interfaceType = context.Request.GetInterfaceType();
        if (IsNodeFacing(interfaceType))
        {
            return true;
        }

        return interfaceType.FullName switch
        {
            ClusterManifestInterface => GrainTypePrefix.IsSystemTarget(context.TargetId),
            CallCancellationInterface => context.Grain is { } grain && grain.GetType().GetInterfaces().Any(IsNodeFacing),
            _ => false,
        };
    }

    private static bool IsNodeFacing(Type interfaceType) => interfaceType.GetCustomAttribute<NodeFacingAttribute>() is not null;

    [LoggerMessage(LogLevel.Warning, "Refused a call from outside the master to {Interface}.{Method} (claimed source {Source})")]
    private partial void LogRefused(string source, string @interface, string method);
}
