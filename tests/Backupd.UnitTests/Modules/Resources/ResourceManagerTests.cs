using Backupd.Modules.Resources;

namespace Backupd.Tests.Modules.Resources;

public sealed class ResourceManagerTests
{
    // Generous: only how long a test may hang before it fails, never what is measured.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(ResourceKind.Io)]
    [InlineData(ResourceKind.Network)]
    [InlineData(ResourceKind.Cpu)]
    public async Task Eight_holders_never_exceed_a_limit_of_two_and_all_finish(ResourceKind kind)
    {
        using var manager = new ResourceManager(new ResourceLimits(2, 2, null, 2));
        var holding = 0;
        var mostHeldAtOnce = 0;

        async Task HoldAsync()
        {
            using var lease = await manager.AcquireAsync(kind, CancellationToken.None);
            Assert.Equal(kind, lease.Kind);
            var now = Interlocked.Increment(ref holding);
            InterlockedMax(ref mostHeldAtOnce, now);
            await Task.Delay(TimeSpan.FromMilliseconds(50));
            Interlocked.Decrement(ref holding);
        }

        // The first two acquire synchronously inside this loop, so two holders overlap for sure.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => HoldAsync())).WaitAsync(Patience);

        Assert.Equal(2, mostHeldAtOnce);
        Assert.Equal(new ResourceUsage(InUse: 0, Peak: 2, Waiting: 0, Limit: 2), manager.Usage(kind));
    }

    [Fact]
    public async Task Waiters_get_their_slot_in_the_order_they_asked()
    {
        using var manager = new ResourceManager(new ResourceLimits(1, 1, null, 1));
        var first = await manager.AcquireAsync(ResourceKind.Io, CancellationToken.None);
        var served = new List<int>();

        async Task WaitInLineAsync(int place)
        {
            using var lease = await manager.AcquireAsync(ResourceKind.Io, CancellationToken.None);
            lock (served)
            {
                served.Add(place);
            }
        }

        var line = Enumerable.Range(1, 5).Select(WaitInLineAsync).ToArray();
        Assert.Equal(5, manager.Usage(ResourceKind.Io).Waiting);
        first.Dispose();
        await Task.WhenAll(line).WaitAsync(Patience);

        Assert.Equal([1, 2, 3, 4, 5], served);
    }

    [Fact]
    public async Task Cancelling_a_wait_throws_and_takes_no_slot()
    {
        using var manager = new ResourceManager(new ResourceLimits(1, 1, null, 1));
        var held = await manager.AcquireAsync(ResourceKind.Network, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();

        var waiting = manager.AcquireAsync(ResourceKind.Network, cancellation.Token).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, manager.Usage(ResourceKind.Network).Waiting);

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Patience));
        Assert.Equal(0, manager.Usage(ResourceKind.Network).Waiting);

        held.Dispose();
        Assert.Equal(0, manager.Usage(ResourceKind.Network).InUse);
        var next = manager.AcquireAsync(ResourceKind.Network, CancellationToken.None);
        Assert.True(next.IsCompletedSuccessfully, "the cancelled waiter must not have kept the freed slot");
        (await next).Dispose();
    }

    [Fact]
    public async Task Already_cancelled_token_throws_even_when_a_slot_is_free()
    {
        using var manager = new ResourceManager(new ResourceLimits(1, 1, null, 1));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => manager.AcquireAsync(ResourceKind.Io, new CancellationToken(canceled: true)).AsTask());
        Assert.Equal(0, manager.Usage(ResourceKind.Io).InUse);
    }

    [Fact]
    public async Task Disposing_a_lease_twice_gives_back_one_slot()
    {
        using var manager = new ResourceManager(new ResourceLimits(2, 2, null, 2));
        var first = await manager.AcquireAsync(ResourceKind.Io, CancellationToken.None);
        using var second = await manager.AcquireAsync(ResourceKind.Io, CancellationToken.None);

        first.Dispose();
        first.Dispose();
        Assert.Equal(1, manager.Usage(ResourceKind.Io).InUse);

        using var third = await manager.AcquireAsync(ResourceKind.Io, CancellationToken.None).AsTask().WaitAsync(Patience);
        var fourth = manager.AcquireAsync(ResourceKind.Io, CancellationToken.None).AsTask();
        Assert.False(fourth.IsCompleted, "a double dispose must not have freed a second slot");
        Assert.Equal(new ResourceUsage(InUse: 2, Peak: 2, Waiting: 1, Limit: 2), manager.Usage(ResourceKind.Io));

        third.Dispose();
        (await fourth.WaitAsync(Patience)).Dispose();
    }

    [Fact]
    public async Task Kinds_do_not_share_slots()
    {
        using var manager = new ResourceManager(new ResourceLimits(1, 1, null, 1));
        using var io = await manager.AcquireAsync(ResourceKind.Io, CancellationToken.None);
        var network = manager.AcquireAsync(ResourceKind.Network, CancellationToken.None);
        var cpu = manager.AcquireAsync(ResourceKind.Cpu, CancellationToken.None);
        Assert.True(network.IsCompletedSuccessfully);
        Assert.True(cpu.IsCompletedSuccessfully);
        (await network).Dispose();
        (await cpu).Dispose();
    }

    [Fact]
    public async Task Disposing_the_manager_fails_waiters()
    {
        var manager = new ResourceManager(new ResourceLimits(1, 1, null, 1));
        using var held = await manager.AcquireAsync(ResourceKind.Cpu, CancellationToken.None);
        var waiting = manager.AcquireAsync(ResourceKind.Cpu, CancellationToken.None).AsTask();

        manager.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => waiting.WaitAsync(Patience));
    }

    private static void InterlockedMax(ref int target, int candidate)
    {
        var seen = Volatile.Read(ref target);
        while (candidate > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, candidate, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
