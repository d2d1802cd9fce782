using Backupd.Modules;
using Backupd.Modules.Resources;
using Backupd.Modules.Storage;

namespace Backupd.Tests.Modules;

public sealed class StageRunnerTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Stages_run_one_after_another_in_order()
    {
        var run = new ScriptedRun();
        var observer = new RecordingStageObserver();

        var error = await RunAsync(run, [new("a", ""), new("b", ""), new("c", "")], observer);

        Assert.Null(error);
        Assert.Equal(["start a", "end a", "start b", "end b", "start c", "end c"], run.Events);
        Assert.Equal([StageOutcome.Completed, StageOutcome.Completed, StageOutcome.Completed], observer.Outcomes());
    }

    [Fact]
    public async Task A_stage_that_runs_alongside_the_next_overlaps_it_and_the_stage_after_waits_for_both()
    {
        // "a" can only end once "b" has started: run one after the other, this would never finish.
        var bStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new ScriptedRun
        {
            ["a"] = async _ => await bStarted.Task,
            ["b"] = _ =>
            {
                bStarted.SetResult();
                return Task.CompletedTask;
            },
        };

        var error = await RunAsync(run, [new("a", "", RunsAlongsideNext: true), new("b", ""), new("c", "")], new RecordingStageObserver()).WaitAsync(Patience);

        Assert.Null(error);
        Assert.Equal("start c", run.Events[^2]);
        Assert.True(run.Events.IndexOf("start b") < run.Events.IndexOf("end a"), string.Join(", ", run.Events));
    }

    [Fact]
    public async Task A_failure_stops_the_stage_alongside_skips_the_rest_but_still_cleans_up()
    {
        var failNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new ScriptedRun
        {
            ["dump"] = async _ =>
            {
                await failNow.Task;
                throw new ModuleFailedException("mysqldump: access denied");
            },
            ["files"] = async context =>
            {
                failNow.SetResult();
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            },
        };
        var observer = new RecordingStageObserver();

        var error = await RunAsync(run,
            [new("dump", "", RunsAlongsideNext: true), new("files", ""), new("upload", ""), new("cleanup", "", AlwaysRuns: true)],
            observer).WaitAsync(Patience);

        Assert.Equal("dump: mysqldump: access denied", error);
        Assert.Equal([StageOutcome.Failed, StageOutcome.Cancelled, StageOutcome.Skipped, StageOutcome.Completed], observer.Outcomes());
        Assert.Equal("Stopped: a stage running alongside it failed", observer.Messages[1]);
        Assert.DoesNotContain("start upload", run.Events);
        Assert.IsType<ModuleFailedException>(Assert.Single(observer.Faults));
    }

    [Fact]
    public async Task The_job_error_is_the_earliest_stage_that_failed_whichever_failed_first()
    {
        var laterFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = new ScriptedRun
        {
            ["first"] = async _ =>
            {
                await laterFailed.Task;
                throw new ModuleFailedException("first broke");
            },
            ["second"] = _ =>
            {
                laterFailed.SetResult();
                throw new ModuleFailedException("second broke");
            },
        };

        var error = await RunAsync(run, [new("first", "", RunsAlongsideNext: true), new("second", "")], new RecordingStageObserver()).WaitAsync(Patience);

        Assert.Equal("first: first broke", error);
    }

    [Fact]
    public async Task Cancelling_the_job_stops_the_running_stage_and_cleans_up_with_a_token_that_is_not_cancelled()
    {
        using var job = new CancellationTokenSource();
        CancellationToken cleanupToken = default;
        var run = new ScriptedRun
        {
            ["work"] = async context =>
            {
                await job.CancelAsync();
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            },
            ["cleanup"] = context =>
            {
                cleanupToken = context.CancellationToken;
                return Task.CompletedTask;
            },
        };
        var observer = new RecordingStageObserver();

        var error = await RunAsync(run, [new("work", ""), new("more", ""), new("cleanup", "", AlwaysRuns: true)], observer, job.Token).WaitAsync(Patience);

        Assert.Null(error);
        Assert.Equal([StageOutcome.Cancelled, StageOutcome.Cancelled, StageOutcome.Completed], observer.Outcomes());
        Assert.Null(observer.Messages[0]);
        Assert.False(cleanupToken.CanBeCanceled);
    }

    [Fact]
    public async Task A_stage_that_stops_by_itself_fails_the_run_instead_of_passing_for_done()
    {
        var run = new ScriptedRun { ["a"] = _ => throw new OperationCanceledException() };

        var error = await RunAsync(run, [new("a", ""), new("b", "")], new RecordingStageObserver());

        Assert.Equal("a: stopped before it finished, though no stage failed.", error);
        Assert.DoesNotContain("start b", run.Events);
    }

    [Fact]
    public async Task Without_a_run_every_stage_is_skipped_and_the_earlier_error_stands()
    {
        var observer = new RecordingStageObserver();

        var error = await StageRunner.RunAsync(null, [new("a", ""), new("cleanup", "", AlwaysRuns: true)], (_, ct) => Context(ct), observer, "bad config", resumeAt: 0, CancellationToken.None);

        Assert.Equal("bad config", error);
        Assert.Equal([StageOutcome.Skipped, StageOutcome.Skipped], observer.Outcomes());
    }

    [Fact]
    public async Task A_resumed_run_reports_the_earlier_stages_done_and_runs_only_the_rest()
    {
        var run = new ScriptedRun();
        var observer = new RecordingStageObserver();

        var error = await StageRunner.RunAsync(run, [new("dump", "", RunsAlongsideNext: true), new("files", ""), new("bundle", ""), new("upload", ""), new("cleanup", "", AlwaysRuns: true)],
            (_, ct) => Context(ct), observer, earlierError: null, resumeAt: 3, CancellationToken.None);

        Assert.Null(error);
        Assert.Equal(["start upload", "end upload", "start cleanup", "end cleanup"], run.Events);
        Assert.Equal(Enumerable.Repeat(StageOutcome.Completed, 5), observer.Outcomes());
    }

    [Fact]
    public async Task A_run_that_could_not_start_is_not_resumed()
    {
        var observer = new RecordingStageObserver();

        var error = await StageRunner.RunAsync(null, [new("a", ""), new("b", ""), new("cleanup", "", AlwaysRuns: true)], (_, ct) => Context(ct), observer, "bad config", resumeAt: 2, CancellationToken.None);

        Assert.Equal("bad config", error);
        Assert.Equal([StageOutcome.Skipped, StageOutcome.Skipped, StageOutcome.Skipped], observer.Outcomes());
    }

    [Theory]
    [InlineData(true, 2, null)]
    [InlineData(true, 1, "upload: store down")]
    [InlineData(false, 2, "upload: store down")]
    public async Task A_stage_that_fails_for_a_passing_reason_runs_again_up_to_its_retries_and_only_then(bool transient, int retries, string? expected)
    {
        var failures = 0;
        var run = new ScriptedRun
        {
            ["upload"] = _ => ++failures <= 2 ? throw new ModuleFailedException("store down") { Transient = transient } : Task.CompletedTask,
        };
        var warnings = new List<string>();
        var observer = new RecordingStageObserver();

        var error = await StageRunner.RunAsync(run, [new("bundle", ""), new("upload", "")],
            (_, ct) => Context(ct, [.. Enumerable.Repeat(TimeSpan.Zero, retries)], new WarningReporter(warnings)), observer, earlierError: null, resumeAt: 0, CancellationToken.None);

        Assert.Equal(expected, error);
        // The stage before is not run again: its work stands.
        Assert.Single(run.Events, e => e == "start bundle");
        Assert.Equal(transient ? Math.Min(retries, 2) : 0, warnings.Count);
        Assert.All(warnings, warning => Assert.StartsWith("upload failed for a reason that may pass (store down); trying it again in 0 s", warning, StringComparison.Ordinal));
    }

    private sealed class WarningReporter(List<string> warnings) : IStageReporter
    {
        public void Progress(long bytesDone, long? bytesTotal = null, string? message = null)
        {
        }

        public void Info(string message)
        {
        }

        public void Warning(string message) => warnings.Add(message);
    }

    private static Task<string?> RunAsync(ScriptedRun run, StageDefinition[] stages, RecordingStageObserver observer, CancellationToken cancellationToken = default) =>
        StageRunner.RunAsync(run, stages, (_, ct) => Context(ct), observer, earlierError: null, resumeAt: 0, cancellationToken);

    private static StageContext Context(CancellationToken cancellationToken, TimeSpan[]? retryDelays = null, IStageReporter? reporter = null) => new()
    {
        JobId = "job",
        NodeId = "node",
        StageName = "stage",
        WorkDirectory = Path.GetTempPath(),
        Resources = SharedResources,
        Reporter = reporter ?? new NullStageReporter(),
        TransientRetryDelays = retryDelays ?? [],
        OpenStorageAsync = _ => throw new InvalidOperationException("no storage in these tests"),
        PlaceBundleAsync = (_, _, _) => throw new InvalidOperationException("no storage in these tests"),
        RunStartedAt = DateTimeOffset.UnixEpoch,
        BackupdVersion = "test",
        CancellationToken = cancellationToken,
    };

    private static readonly ResourceManager SharedResources = new(ResourceLimits.Default);

    /// <summary>A run whose stages do what each test scripts, recording when each starts and ends.</summary>
    private sealed class ScriptedRun : ModuleRun
    {
        private readonly Dictionary<string, Func<StageContext, Task>> _stages = [];
        private readonly Lock _gate = new();

        public List<string> Events { get; } = [];

        public Func<StageContext, Task> this[string stage]
        {
            set => _stages[stage] = value;
        }

        public override async Task RunStageAsync(string stage, StageContext context)
        {
            Record($"start {stage}");
            if (_stages.TryGetValue(stage, out var body))
            {
                await body(context);
            }

            Record($"end {stage}");
        }

        private void Record(string entry)
        {
            lock (_gate)
            {
                Events.Add(entry);
            }
        }
    }
}
