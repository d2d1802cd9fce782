using Microsoft.Extensions.Configuration;

namespace Backupd;

/// <summary>The resolved mode and the configuration every mode reads its settings from.</summary>
/// <param name="Mode">What this process runs as.</param>
/// <param name="Configuration">The config file (if any) overlaid by <c>BACKUPD_*</c> variables.</param>
/// <param name="ConfigFile">The config file that was read, if any.</param>
internal sealed record StartupContext(BackupdMode Mode, IConfiguration Configuration, string? ConfigFile);
