namespace Backupd.Modules.Resources;

/// <summary>
/// How much of the host a node may use at once. Every value is checked when the record is
/// created (or copied with <c>with</c>), so an invalid set of limits cannot exist; the error
/// names the setting an operator would change.
/// </summary>
/// <param name="MaxIo">Heavy I/O stages at once (<c>BACKUPD_MAX_IO</c>), at least 1.</param>
/// <param name="MaxNetwork">Uploads at once (<c>BACKUPD_MAX_NETWORK</c>), at least 1.</param>
/// <param name="MaxBandwidthMbps">
/// Upload limit in megabits per second shared by all uploads (<c>BACKUPD_MAX_BANDWIDTH_MBPS</c>);
/// null or 0 means unlimited.
/// </param>
/// <param name="MaxCpu">CPU-bound stages at once and the threads a compressor may use, at least 1.</param>
public sealed record ResourceLimits(int MaxIo, int MaxNetwork, double? MaxBandwidthMbps, int MaxCpu)
{
    private const string MaxIoSetting = "BACKUPD_MAX_IO";
    private const string MaxNetworkSetting = "BACKUPD_MAX_NETWORK";
    private const string MaxBandwidthSetting = "BACKUPD_MAX_BANDWIDTH_MBPS";
    private const string MaxCpuSetting = "the CPU limit (MaxCpu, compression threads)";

    /// <summary>Two I/O stages, two uploads, no bandwidth limit, one CPU slot per processor.</summary>
    public static ResourceLimits Default { get; } = new(2, 2, null, Environment.ProcessorCount);

    // The initialisers check the constructor's values; the init accessors check `with` copies.

    /// <summary>Heavy I/O stages at once.</summary>
    public int MaxIo { get; init => field = AtLeastOne(value, MaxIoSetting, nameof(MaxIo)); } =
        AtLeastOne(MaxIo, MaxIoSetting, nameof(MaxIo));

    /// <summary>Uploads at once.</summary>
    public int MaxNetwork { get; init => field = AtLeastOne(value, MaxNetworkSetting, nameof(MaxNetwork)); } =
        AtLeastOne(MaxNetwork, MaxNetworkSetting, nameof(MaxNetwork));

    /// <summary>Upload limit in megabits per second; null or 0 means unlimited.</summary>
    public double? MaxBandwidthMbps { get; init => field = UnlimitedOrPositive(value); } =
        UnlimitedOrPositive(MaxBandwidthMbps);

    /// <summary>CPU-bound stages at once, also the compressor's thread count.</summary>
    public int MaxCpu { get; init => field = AtLeastOne(value, MaxCpuSetting, nameof(MaxCpu)); } =
        AtLeastOne(MaxCpu, MaxCpuSetting, nameof(MaxCpu));

    /// <summary>The upload limit in bits per second (1 Mbps = 1 000 000 bits/s), or null when unlimited.</summary>
    public double? MaxBandwidthBitsPerSecond =>
        MaxBandwidthMbps is > 0 and var mbps ? mbps * 1_000_000 : null;

    private static int AtLeastOne(int value, string setting, string parameter) =>
        value >= 1
            ? value
            : throw new ArgumentException($"{setting} must be a whole number of at least 1, not {value}.", parameter);

    private static double? UnlimitedOrPositive(double? value) =>
        value is null || value == 0 || (double.IsFinite(value.Value) && value > 0)
            ? value
            : throw new ArgumentException(
                $"{MaxBandwidthSetting} must be 0 (unlimited) or a positive number of megabits per second, not {value}.",
                nameof(MaxBandwidthMbps));
}
