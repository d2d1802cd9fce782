using System.Text;
using Microsoft.Data.Sqlite;

namespace Backupd.Master.Persistence;

/// <summary>
/// A WHERE clause made of only the filters given, each with its parameter, so that SQLite can
/// pick the index that fits them.
/// </summary>
internal sealed class SqlFilter(SqliteCommand command)
{
    private readonly StringBuilder _conditions = new();

    /// <summary>Adds <paramref name="condition"/>, which reads <paramref name="name"/>, bound to <paramref name="value"/>.</summary>
    public SqlFilter Add(string condition, string name, object value)
    {
        _conditions.Append(_conditions.Length == 0 ? " WHERE " : " AND ").Append(condition);
        command.Parameters.AddWithValue(name, value);
        return this;
    }

    /// <summary>The clause with a leading space, or nothing when no filter was given.</summary>
    public override string ToString() => _conditions.ToString();
}
