namespace Backupd.Modules;

/// <summary>Hears when each stage starts and ends; called from any thread, for stages that may overlap.</summary>
public interface IStageObserver
{
    /// <summary>Stage <paramref name="index"/> has started.</summary>
    void Started(int index);

    /// <summary>Stage <paramref name="index"/> has ended (or was skipped without starting).</summary>
    void Ended(int index, StageOutcome outcome, string? message);

    /// <summary>A stage failed with an exception the user should not see in full; for the operator's log.</summary>
    void Faulted(int index, Exception exception);
}
