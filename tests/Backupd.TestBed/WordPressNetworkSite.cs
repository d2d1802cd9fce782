namespace Backupd.TestBed;

/// <summary>The second site of a test network: its id, its URL, a post of its own and the path of a file it uploaded.</summary>
public sealed record WordPressNetworkSite(long Id, string Url, long PostId, string UploadPath);
