using Backupd.TestBed;

namespace Backupd.Tests.TestBed;

/// <summary>Tests that share one real MariaDB server.</summary>
[CollectionDefinition(Name)]
public sealed class MariaDbCollection : ICollectionFixture<MariaDbServer>
{
    public const string Name = "mariadb";
}
