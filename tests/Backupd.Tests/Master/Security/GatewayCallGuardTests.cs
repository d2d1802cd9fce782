using Backupd.Contracts.Auth;
using Backupd.Contracts.Nodes;
using Backupd.Grains.Auth;
using Backupd.Grains.Nodes;
using Backupd.Master.Security;

namespace Backupd.Tests.Master.Security;

public sealed class GatewayCallGuardTests
{
    private static readonly System.Reflection.Assembly[] OrleansAssemblies =
    [
        typeof(Orleans.Runtime.Silo).Assembly,
        typeof(IClusterClient).Assembly,
        typeof(IGrainFactory).Assembly,
        typeof(Orleans.Serialization.Invocation.IInvokable).Assembly,
    ];

    [Theory]
    [InlineData(GatewayCallGuard.ClusterManifestInterface)]
    [InlineData(GatewayCallGuard.CallCancellationInterface)]
    [InlineData(GatewayCallGuard.TimerTickRequest)]
    public void Orleans_internals_the_guard_names_still_exist(string typeName)
    {
        Assert.Contains(OrleansAssemblies, assembly => assembly.GetType(typeName) is not null);
    }

    [Fact]
    public void Only_the_node_session_is_node_facing()
    {
        var nodeFacing = typeof(INodeSessionGrain).Assembly.GetTypes()
            .Where(t => t.IsInterface && t.IsDefined(typeof(NodeFacingAttribute), inherit: false))
            .ToList();
        Assert.Equal([typeof(INodeSessionGrain)], nodeFacing);
        Assert.False(typeof(IAdminAccountGrain).IsDefined(typeof(NodeFacingAttribute), inherit: false));
    }

    [Fact]
    public void Proof_verifies_only_its_own_token()
    {
        var proof = new InSiloCallProof();
        Assert.True(proof.Verify(proof.Token.ToArray()));
        Assert.False(proof.Verify(new InSiloCallProof().Token));
        Assert.False(proof.Verify(null));
        Assert.False(proof.Verify("not bytes"));
        Assert.False(proof.Verify(proof.Token[..31]));
    }
}
