using System.Text.Json;

namespace Backupd.Master.Persistence;

/// <summary>How the index tables' <c>Document</c> columns are written and read back.</summary>
internal static class IndexDocuments
{
    /// <summary>Web defaults; read-only once built.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
