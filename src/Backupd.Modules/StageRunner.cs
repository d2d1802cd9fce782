namespace Backupd.Modules;

/// <summary>
/// Runs a module's stages: in order, except that a stage marked
/// <see cref="StageDefinition.RunsAlongsideNext"/> runs together with the one after it. After a
/// failure or a cancel, only <see cref="StageDefinition.AlwaysRuns"/> stages still start; a
/// failure also stops the stages running alongside the one that failed. The node and the
/// benchmark share this, so the benchmark measures what a node does.
/// </summary>
public static class StageRunner
{
    /// <summary>The message of a stage an earlier attempt did, which a resumed run does not run again.</summary>
    public const string KeptFromEarlierAttempt = "Done in an earlier attempt; its work was kept";

    /// <summary>Runs every stage of <paramref name="run"/> and says why the run failed, or null.</summary>
    /// <param name="run">The run, or null when it could not be created (every stage is then skipped).</param>
    /// <param name="stages">The module's stages.</param>
    /// <param name="contextFor">The context for stage <c>index</c>, given the token it must obey.</param>
    /// <param name="observer">Hears each stage start and end.</param>
    /// <param name="earlierError">Why the run could not start, if it could not; returned as is.</param>
    /// <param name="resumeAt">The first stage to run: the stages before it were done by an earlier attempt (<see cref="ModuleRun.TryResume"/>) and are reported completed.</param>
    /// <param name="cancellationToken">The job's cancellation (admin cancel or node stopping).</param>
    /// <returns>The first failed stage's <c>name: message</c>; null when every stage completed.</returns>
    public static async Task<string?> RunAsync(
        ModuleRun? run,
        IReadOnlyList<StageDefinition> stages,
        Func<int, CancellationToken, StageContext> contextFor,
        IStageObserver observer,
        string? earlierError,
        int resumeAt,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(contextFor);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentOutOfRangeException.ThrowIfNegative(resumeAt);
        var error = earlierError;
        var start = error is null ? Math.Min(resumeAt, stages.Count) : 0;
        for (var index = 0; index < start; index++)
        {
            observer.Ended(index, StageOutcome.Completed, KeptFromEarlierAttempt);
        }

        for (var first = start; first < stages.Count;)
        {
            var last = first;
            while (stages[last].RunsAlongsideNext && last + 1 < stages.Count)
            {
                last++;
            }

            var groupError = await RunGroupAsync(run, stages, first, last, contextFor, observer, stopped: error is not null, cancellationToken).ConfigureAwait(false);
            error ??= groupError;
            first = last + 1;
        }

        return error;
    }

    private static async Task<string?> RunGroupAsync(
        ModuleRun? run,
        IReadOnlyList<StageDefinition> stages,
        int first,
        int last,
        Func<int, CancellationToken, StageContext> contextFor,
        IStageObserver observer,
        bool stopped,
        CancellationToken cancellationToken)
    {
        // A failure stops the rest of its group; clean-up stages are not stopped by anything.
        using var group = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new List<Task<StageEnd>>();
        for (var index = first; index <= last; index++)
        {
            var stage = stages[index];
            if (run is null || (stopped || cancellationToken.IsCancellationRequested) && !stage.AlwaysRuns)
            {
                observer.Ended(index, cancellationToken.IsCancellationRequested ? StageOutcome.Cancelled : StageOutcome.Skipped, null);
                continue;
            }

            running.Add(RunStageAsync(run, stage, index, contextFor(index, stage.AlwaysRuns ? CancellationToken.None : group.Token), observer, group, cancellationToken));
        }

        var ends = await Task.WhenAll(running).ConfigureAwait(false);
        if (ends.Where(e => e.Error is not null).OrderBy(e => e.Index).FirstOrDefault() is { } failed)
        {
            return $"{stages[failed.Index].Name}: {failed.Error}";
        }

        // A stage that stopped though nothing failed and nobody cancelled: never report such a run as done.
        if (!cancellationToken.IsCancellationRequested && ends.FirstOrDefault(e => e.Stopped) is { } halted)
        {
            return $"{stages[halted.Index].Name}: stopped before it finished, though no stage failed.";
        }

        return null;
    }

    private static async Task<StageEnd> RunStageAsync(
        ModuleRun run, StageDefinition stage, int index, StageContext context, IStageObserver observer, CancellationTokenSource group, CancellationToken job)
    {
        // Off the caller's thread, so a stage that blocks before its first await cannot hold back the one alongside it.
        await Task.Yield();
        observer.Started(index);
        try
        {
            for (var retry = 0; ; retry++)
            {
                try
                {
                    await run.RunStageAsync(stage.Name, context).ConfigureAwait(false);
                    break;
                }
                catch (ModuleFailedException failure) when (failure.Transient && retry < context.TransientRetryDelays.Count && !context.CancellationToken.IsCancellationRequested)
                {
                    // The run keeps what earlier stages made (the bundle on disk): only this stage goes again.
                    var wait = context.TransientRetryDelays[retry];
                    context.Reporter.Warning($"{stage.Name} failed for a reason that may pass ({failure.Message}); trying it again in {wait.TotalSeconds:0} s ({retry + 1} of {context.TransientRetryDelays.Count})");
                    await Task.Delay(wait, context.Time, context.CancellationToken).ConfigureAwait(false);
                }
            }

            observer.Ended(index, StageOutcome.Completed, null);
            return new StageEnd(index, null, Stopped: false);
        }
        catch (OperationCanceledException)
        {
            var message = job.IsCancellationRequested ? null : "Stopped: a stage running alongside it failed";
            observer.Ended(index, StageOutcome.Cancelled, message);
            await group.CancelAsync().ConfigureAwait(false);
            return new StageEnd(index, null, Stopped: !job.IsCancellationRequested);
        }
        catch (Exception ex)
        {
            observer.Faulted(index, ex);
            observer.Ended(index, StageOutcome.Failed, ex.Message);
            await group.CancelAsync().ConfigureAwait(false);
            return new StageEnd(index, ex.Message, Stopped: false);
        }
    }

    private sealed record StageEnd(int Index, string? Error, bool Stopped);
}
