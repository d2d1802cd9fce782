namespace Backupd.TestBed;

/// <summary>A media library entry and its file.</summary>
/// <param name="Id">The attachment's post id.</param>
/// <param name="File">The file's path under wp-content/uploads, as in <c>_wp_attached_file</c>: <c>2025/06/pixels.png</c>.</param>
/// <param name="MimeType">The attachment's MIME type.</param>
public sealed record WordPressAttachment(long Id, string File, string MimeType);
