using Backupd.Modules.WordPress;

namespace Backupd.Tests.Modules.WordPress;

public sealed class DatabaseEndpointTests
{
    [Theory]
    [InlineData("db.example.com", "db.example.com", null, null)]
    [InlineData("db.example.com:3307", "db.example.com", 3307, null)]
    [InlineData("127.0.0.1:3306", "127.0.0.1", 3306, null)]
    [InlineData("localhost", "localhost", null, null)]
    [InlineData("localhost:3306", "localhost", 3306, null)]
    [InlineData("localhost:/var/run/mysqld/mysqld.sock", "localhost", null, "/var/run/mysqld/mysqld.sock")]
    [InlineData("db:3306:/tmp/my sql.sock", "db", 3306, "/tmp/my sql.sock")]
    [InlineData(":/tmp/mysql.sock", "localhost", null, "/tmp/mysql.sock")]
    [InlineData("", "localhost", null, null)]
    [InlineData("  db  ", "db", null, null)]
    [InlineData("[::1]:3306", "::1", 3306, null)]
    [InlineData("[::1]", "::1", null, null)]
    [InlineData("::1", "::1", null, null)]
    [InlineData("[2001:db8::5]:33060", "2001:db8::5", 33060, null)]
    public void Db_host_is_read_as_wordpress_reads_it(string dbHost, string host, int? port, string? socket)
    {
        Assert.Equal(new DatabaseEndpoint(host, port, socket), DatabaseEndpoint.Parse(dbHost));
    }

    [Theory]
    [InlineData("db:abc")]
    [InlineData("db:0")]
    [InlineData("db:65536")]
    [InlineData("db:-1")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData("my db")]
    public void A_db_host_that_is_not_a_host_is_refused_with_the_value_in_the_message(string dbHost)
    {
        var error = Assert.Throws<FormatException>(() => DatabaseEndpoint.Parse(dbHost));

        Assert.Contains(dbHost, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Localhost_means_a_unix_socket_and_other_hosts_tcp()
    {
        Assert.True(DatabaseEndpoint.Parse("localhost:3306").IsUnixSocket);
        Assert.False(DatabaseEndpoint.Parse("127.0.0.1").IsUnixSocket);
    }

    [Theory]
    [InlineData("db:3307", "db:3307")]
    [InlineData("[::1]:3306", "[::1]:3306")]
    [InlineData("localhost", "localhost (the default socket)")]
    [InlineData("localhost:/run/m.sock", "localhost:/run/m.sock")]
    [InlineData("db", "db")]
    public void An_endpoint_prints_as_a_person_writes_it(string dbHost, string printed)
    {
        Assert.Equal(printed, DatabaseEndpoint.Parse(dbHost).ToString());
    }
}
