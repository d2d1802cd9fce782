using System.Collections.Concurrent;
using Backupd.Modules;

namespace Backupd.Tests.Modules;

/// <summary>Records how each stage ended, and what stages threw; stages may end on any thread.</summary>
internal sealed class RecordingStageObserver : IStageObserver
{
    private readonly ConcurrentDictionary<int, (StageOutcome Outcome, string? Message)> _ends = new();

    public ConcurrentQueue<Exception> Faults { get; } = new();

    public IReadOnlyDictionary<int, string?> Messages => _ends.ToDictionary(e => e.Key, e => e.Value.Message);

    public void Started(int index)
    {
    }

    public void Ended(int index, StageOutcome outcome, string? message) => Assert.True(_ends.TryAdd(index, (outcome, message)), $"stage {index} ended twice");

    public void Faulted(int index, Exception exception) => Faults.Enqueue(exception);

    /// <summary>The outcomes in stage order.</summary>
    public StageOutcome[] Outcomes() => [.. _ends.OrderBy(e => e.Key).Select(e => e.Value.Outcome)];
}
