namespace Backupd.Hosting;

/// <summary>
/// One or more settings are wrong. Each entry of <see cref="Errors"/> names the variable and
/// says what a valid value looks like; none contains a secret value.
/// </summary>
public sealed class InvalidSettingsException(IReadOnlyList<string> errors)
    : Exception("Invalid settings:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    /// <summary>One line per wrong setting.</summary>
    public IReadOnlyList<string> Errors { get; } = errors;
}
