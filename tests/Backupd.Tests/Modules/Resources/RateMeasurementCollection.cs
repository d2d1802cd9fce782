namespace Backupd.Tests.Modules.Resources;

/// <summary>
/// Tests that measure a rate over wall-clock time. They run alone, after the parallel tests, so
/// other tests in this process do not compete with them for the two cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RateMeasurementCollection
{
    public const string Name = "rate measurement";
}
