namespace Backupd.Tests.Bundles;

/// <summary>
/// Tests that keep both cores busy for a minute (8 GiB through zstd and SHA-256). They run after
/// the parallel collections, alone, so that the timing of the tests beside them stays what it is
/// on an idle machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeBundleCollection
{
    public const string Name = "large bundles";
}
