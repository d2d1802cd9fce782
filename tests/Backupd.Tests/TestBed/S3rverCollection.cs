using Backupd.TestBed;

namespace Backupd.Tests.TestBed;

/// <summary>Tests that share one real s3rver.</summary>
[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverServer>
{
    public const string Name = "s3rver";
}
