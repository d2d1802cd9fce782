using System.Globalization;

namespace Backupd.Modules.WordPress;

/// <summary>
/// Where a MariaDB/MySQL server listens, as WordPress reads <c>DB_HOST</c>: a host name or address,
/// optionally a TCP port or a Unix socket path.
/// </summary>
/// <param name="Host">
/// A name, an IPv4 address or an IPv6 address (without brackets). <c>localhost</c> means a Unix
/// socket to MySQL clients: <see cref="Socket"/>, or the client's default socket when that is null.
/// </param>
/// <param name="Port">The TCP port; null for the client's default (3306).</param>
/// <param name="Socket">The Unix socket path; null for the client's default.</param>
public sealed record DatabaseEndpoint(string Host, int? Port, string? Socket)
{
    /// <summary>The host name MySQL clients reach over a Unix socket rather than TCP.</summary>
    public const string Localhost = "localhost";

    /// <summary>Whether a MySQL client connects over a Unix socket, as it does for <c>localhost</c> even when a port is given.</summary>
    public bool IsUnixSocket => Host == Localhost;

    /// <summary>
    /// Reads a <c>DB_HOST</c> value: <c>host</c>, <c>host:3306</c>, <c>host:/path/to.sock</c>,
    /// <c>localhost</c>, <c>[::1]:3306</c>, or an empty host, which means <c>localhost</c>.
    /// </summary>
    /// <exception cref="FormatException">The port is not a number from 1 to 65535, or the value cannot be a host.</exception>
    public static DatabaseEndpoint Parse(string dbHost)
    {
        ArgumentNullException.ThrowIfNull(dbHost);
        var host = dbHost.Trim();
        string? socket = null;

        // As WordPress does: the socket is everything after the first ":/".
        var socketStart = host.IndexOf(":/", StringComparison.Ordinal);
        if (socketStart >= 0)
        {
            socket = host[(socketStart + 1)..];
            host = host[..socketStart];
        }

        var (name, port) = host.Count(c => c == ':') > 1 ? SplitIPv6(host, dbHost) : SplitHostAndPort(host, dbHost);
        if (name.Length == 0)
        {
            name = Localhost;
        }

        if (name.Any(c => char.IsWhiteSpace(c) || c is '/' or '[' or ']'))
        {
            throw new FormatException($"'{dbHost}' is not a database host: expected host, host:port, host:/path/to/socket or [IPv6]:port.");
        }

        return new DatabaseEndpoint(name, port, socket);
    }

    /// <summary>How a person would write this endpoint: <c>db.example.com:3306</c>, <c>[::1]:3306</c>, <c>localhost:/run/mysqld/mysqld.sock</c>.</summary>
    public override string ToString()
    {
        var host = Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host;
        if (Socket is not null)
        {
            return $"{host}:{Socket}";
        }

        if (Port is { } port)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{host}:{port}");
        }

        return IsUnixSocket ? $"{host} (the default socket)" : host;
    }

    private static (string Host, int? Port) SplitHostAndPort(string host, string dbHost)
    {
        var colon = host.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (host, null) : (host[..colon], ParsePort(host[(colon + 1)..], dbHost));
    }

    // Two or more colons: an IPv6 address, bare ("::1") or bracketed ("[::1]", "[::1]:3306").
    private static (string Host, int? Port) SplitIPv6(string host, string dbHost)
    {
        if (!host.StartsWith('['))
        {
            return (host, null);
        }

        var close = host.IndexOf(']', StringComparison.Ordinal);
        if (close < 0)
        {
            throw new FormatException($"'{dbHost}' opens an IPv6 address with '[' but does not close it with ']'.");
        }

        var rest = host[(close + 1)..];
        if (rest.Length == 0)
        {
            return (host[1..close], null);
        }

        if (!rest.StartsWith(':'))
        {
            throw new FormatException($"'{dbHost}' has '{rest}' after the IPv6 address; expected [address]:port.");
        }

        return (host[1..close], ParsePort(rest[1..], dbHost));
    }

    private static int? ParsePort(string port, string dbHost)
    {
        if (port.Length == 0)
        {
            return null;
        }

        if (!port.All(char.IsAsciiDigit) || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw new FormatException($"The port in '{dbHost}' is '{port}', which is not a number from 1 to 65535.");
        }

        return number;
    }
}
