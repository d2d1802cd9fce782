namespace Backupd.Scheduling;

/// <summary>Which bundles a retention policy keeps and which it prunes; together they are every bundle it was given.</summary>
/// <param name="Keep">The kept bundles, newest first, each with why.</param>
/// <param name="Prune">The bundles to delete, newest first.</param>
public sealed record RetentionPlan(IReadOnlyList<KeptBundle> Keep, IReadOnlyList<RetainedBundle> Prune);
