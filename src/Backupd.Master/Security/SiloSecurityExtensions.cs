using Microsoft.Extensions.DependencyInjection;

namespace Backupd.Master.Security;

/// <summary>Registers the silo's call guard.</summary>
public static class SiloSecurityExtensions
{
    /// <summary>Limits callers from outside the silo process to the node-facing grains.</summary>
    public static ISiloBuilder AddBackupdCallGuard(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<InSiloCallProof>();
        silo.AddOutgoingGrainCallFilter<InSiloCallStamp>();
        silo.AddIncomingGrainCallFilter<GatewayCallGuard>();
        return silo;
    }
}
