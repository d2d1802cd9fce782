namespace Backupd.TestBed;

/// <summary>What <see cref="WordPressSite.CreateAsync"/> put into a site besides WordPress's own sample content.</summary>
/// <param name="PostIds">Published posts, the first one the parent of the attachments.</param>
/// <param name="PageId">A published page.</param>
/// <param name="Attachments">Media library files: a PNG image and a text file with a non-ASCII name.</param>
public sealed record WordPressContent(IReadOnlyList<long> PostIds, long PageId, IReadOnlyList<WordPressAttachment> Attachments);
