using Backupd.TestBed;

namespace Backupd.Tests.TestBed;

public sealed class ServerProcessTests
{
    [Fact]
    public async Task A_server_that_exits_before_it_is_ready_fails_with_its_last_output()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var server = ServerProcess.Start("failing-server", "/bin/sh", ["-c", "echo starting; echo 'cannot bind: Address already in use' >&2; exit 3"]);

        var failure = await Assert.ThrowsAsync<ServerStartException>(
            () => server.WaitUntilReadyAsync(_ => Task.FromResult(false), TimeSpan.FromSeconds(20), timeout.Token));

        Assert.Contains("failing-server did not start: it exited with code 3", failure.Message, StringComparison.Ordinal);
        Assert.Contains("starting", failure.Output, StringComparison.Ordinal);
        Assert.True(failure.AddressInUse);
    }

    [Fact]
    public async Task A_server_that_never_becomes_ready_fails_after_the_timeout_and_is_killed_on_dispose()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var server = ServerProcess.Start("silent-server", "/bin/sh", ["-c", "echo waiting; exec sleep 600"]);

        var failure = await Assert.ThrowsAsync<ServerStartException>(
            () => server.WaitUntilReadyAsync(_ => throw new InvalidOperationException("connection refused"), TimeSpan.FromMilliseconds(300), timeout.Token));
        await server.DisposeAsync();

        Assert.Contains("not ready within 0.3 s (last check: connection refused)", failure.Message, StringComparison.Ordinal);
        Assert.True(server.HasExited);
    }

    [Fact]
    public void A_missing_program_is_reported_with_how_to_install_it()
    {
        var missing = Assert.Throws<MissingProgramException>(() => RequiredProgram.Find("no-such-program-backupd", "apt-get install no-such-package", "/opt/nowhere"));

        Assert.Equal("no-such-program-backupd", missing.Program);
        Assert.Contains("apt-get install no-such-package", missing.Message, StringComparison.Ordinal);
        Assert.Contains("./ops/test.sh", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_output_tail_keeps_the_last_lines_and_counts_the_dropped_ones()
    {
        var tail = new OutputTail(capacity: 3);

        foreach (var line in new[] { "one", "two", "three", "four", "five" })
        {
            tail.Append(line);
        }

        Assert.Equal("… (2 earlier lines dropped)\nthree\nfour\nfive\n", tail.ToString().ReplaceLineEndings("\n"));
    }
}
