using System.Text;

namespace Backupd.Modules.WordPress;

/// <summary>How to reach one database: where, which one, as whom.</summary>
/// <param name="Endpoint">The server.</param>
/// <param name="Database">The database (schema) name.</param>
/// <param name="User">The user to connect as.</param>
/// <param name="Password">The user's password; never part of <see cref="ToString"/>.</param>
/// <param name="Charset">
/// The site's <c>DB_CHARSET</c>. Dumps are made in utf8mb4 whatever it is: the server converts
/// utf8 (utf8mb3), latin1 and the other character sets WordPress sites use into utf8mb4 and back
/// without loss, while dumping a utf8mb4 table over a narrower connection would turn characters
/// into '?'. It is kept for the job's record and for restores.
/// </param>
public sealed record DatabaseConnectionSettings(DatabaseEndpoint Endpoint, string Database, string User, string Password, string Charset)
{
    // Records print every member; this one leaves the password out so logs and exceptions cannot leak it.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Endpoint = ").Append(Endpoint)
            .Append(", Database = ").Append(Database)
            .Append(", User = ").Append(User)
            .Append(", Password = ***")
            .Append(", Charset = ").Append(Charset);
        return true;
    }
}
