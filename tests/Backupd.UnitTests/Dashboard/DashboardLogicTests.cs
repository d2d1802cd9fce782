using Backupd.Contracts.Jobs;
using Backupd.Dashboard;
using Backupd.Dashboard.Components.Shared;
using Backupd.Master.Application;

namespace Backupd.Tests.Dashboard;

/// <summary>What the dashboard's pages work out themselves: kept out of the components so it can be tested here.</summary>
public sealed class DashboardLogicTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("/jobs", "/jobs")]
    [InlineData("/jobs/01ab?x=1", "/jobs/01ab?x=1")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("jobs", "/")]
    [InlineData("/signin?returnUrl=/signin", "/")]
    [InlineData(null, "/")]
    [InlineData("/x?next=http://evil.example", "/")]
    [InlineData("/\t/evil.example", "/")]
    [InlineData("/\r\n/x", "/")]
    [InlineData("/jobs/é", "/")]
    public void After_signing_in_only_a_page_of_this_dashboard_is_gone_back_to(string? returnUrl, string expected) =>
        Assert.Equal(expected, DashboardSignIn.SafeReturnUrl(returnUrl));

    [Fact]
    public void Speed_and_time_left_come_from_the_reports_seen_and_a_count_shows_while_the_total_is_unknown()
    {
        var speeds = new StageSpeeds();
        speeds.Observe([Upload(0, 100 << 20)], Start);
        speeds.Observe([Upload(20 << 20, 100 << 20)], Start.AddSeconds(2));

        Assert.Equal(10 << 20, speeds.BytesPerSecond("upload_remote")!.Value, precision: 0);
        Assert.Equal("20 MiB of 100 MiB · 10 MiB/s · about 8 s left", speeds.Describe(Upload(20 << 20, 100 << 20), Start.AddSeconds(2)));
        Assert.Equal("3.0 MiB so far", speeds.Describe(new JobStageInfo("create_bundle", StageStatus.Completed, BytesDone: 3 << 20), Start));
        Assert.Null(speeds.Describe(new JobStageInfo("cleanup", StageStatus.Pending), Start));
    }

    [Fact]
    public void A_stage_that_ends_forgets_its_speed_so_a_later_run_of_it_starts_afresh()
    {
        var speeds = new StageSpeeds();
        speeds.Observe([Upload(0, 100)], Start);
        speeds.Observe([Upload(50, 100)], Start.AddSeconds(1));
        speeds.Observe([new JobStageInfo("upload_remote", StageStatus.Completed, BytesDone: 100, BytesTotal: 100)], Start.AddSeconds(2));

        Assert.Null(speeds.BytesPerSecond("upload_remote"));
    }

    [Fact]
    public void Each_field_error_shows_under_its_field_and_the_rest_at_the_top()
    {
        var errors = new FieldErrors().For("name", "config");
        errors.Show(Problem.Invalid("Invalid schedule", [new FieldError("name", "is required"), new FieldError("config.path", "is required"), new FieldError("nodeId", "names no node")]));

        Assert.Equal("name is required.", errors["name"]);
        Assert.Equal("config.path is required.", errors["config"]);
        Assert.Equal("Invalid schedule: nodeId names no node.", errors.Summary);

        errors.Show(Problem.Conflict("Schedule cannot run", "The node is disabled."));
        Assert.Null(errors["name"]);
        Assert.Equal("Schedule cannot run: The node is disabled.", errors.Summary);
    }

    [Theory]
    [InlineData(512L, "512 B")]
    [InlineData(1536L, "1.5 KiB")]
    [InlineData(5L << 30, "5.0 GiB")]
    [InlineData(300L << 20, "300 MiB")]
    public void Sizes_read_in_binary_units(long bytes, string words) => Assert.Equal(words, Display.Bytes(bytes));

    [Fact]
    public void Times_read_relative_to_now()
    {
        Assert.Equal("just now", Display.Relative(Start.AddSeconds(-10), Start));
        Assert.Equal("5 min ago", Display.Relative(Start.AddMinutes(-5), Start));
        Assert.Equal("in 3 h 10 min", Display.Relative(Start.AddHours(3).AddMinutes(10), Start));
        Assert.Equal("2 d 4 h ago", Display.Relative(Start.AddHours(-52), Start));
        Assert.Equal("never", Display.Relative(null, Start));
    }

    [Fact]
    public void A_live_table_keeps_each_listed_row_as_one_object_across_reads_so_its_buttons_are_patched_not_replaced()
    {
        var rows = new KeptRows<(string Id, string State), string>(item => item.Id);
        rows.Update([("a", "idle"), ("b", "idle")]);
        var (a, b) = (rows.Rows[0], rows.Rows[1]);

        rows.Update([("c", "new"), ("b", "running"), ("a", "idle")]);
        Assert.Equal(["c", "b", "a"], rows.Rows.Select(row => row.Item.Id));
        Assert.Same(b, rows.Rows[1]);
        Assert.Equal("running", b.Item.State);
        Assert.Same(a, rows.Rows[2]);

        // A row gone from one read is not brought back by the next: it comes back as a new row.
        rows.Update([("c", "new")]);
        rows.Update([("a", "idle"), ("c", "new"), ("c", "again")]);
        Assert.NotSame(a, rows.Rows[0]);
        // Two items with one key would be two siblings with one @key, which Blazor refuses to render.
        Assert.NotSame(rows.Rows[1], rows.Rows[2]);
        Assert.Equal(3, rows.Count);
    }

    private static JobStageInfo Upload(long done, long total) => new("upload_remote", StageStatus.Running, Start, BytesDone: done, BytesTotal: total);
}
