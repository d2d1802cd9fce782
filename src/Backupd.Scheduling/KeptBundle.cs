namespace Backupd.Scheduling;

/// <summary>A bundle a retention policy keeps.</summary>
/// <param name="Bundle">The bundle.</param>
/// <param name="Reasons">
/// Every rule that keeps it, e.g. <c>last 3</c>, <c>daily 2026-11-20</c>, <c>weekly 2026-W47</c>,
/// <c>monthly 2026-11</c>; just <c>newest</c> when only the newest-bundle guarantee does.
/// </param>
public sealed record KeptBundle(RetainedBundle Bundle, IReadOnlyList<string> Reasons);
