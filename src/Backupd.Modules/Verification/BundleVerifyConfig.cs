using System.ComponentModel;
using Backupd.Modules.Storage;

namespace Backupd.Modules.Verification;

/// <summary>The config of a verify job: the one bundle it downloads and checks. The master writes it from its own record of the backup.</summary>
/// <param name="Bundle">The bundle, as the master recorded it.</param>
public sealed record BundleVerifyConfig(
    [property: Description("The bundle to check, as the master recorded it when its backup finished.")] BundleSource Bundle);
