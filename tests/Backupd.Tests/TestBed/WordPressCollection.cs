using Backupd.TestBed;

namespace Backupd.Tests.TestBed;

/// <summary>Tests that share one MariaDB server with one installed WordPress site on it.</summary>
[CollectionDefinition(Name)]
public sealed class WordPressCollection : ICollectionFixture<WordPressFixture>
{
    public const string Name = "wordpress";
}
