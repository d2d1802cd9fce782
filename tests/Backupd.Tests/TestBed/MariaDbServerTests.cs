using System.Net;
using Backupd.TestBed;
using MySqlConnector;

namespace Backupd.Tests.TestBed;

[Collection(MariaDbCollection.Name)]
public sealed class MariaDbServerTests(MariaDbServer server)
{
    [Fact]
    public async Task A_created_user_can_create_insert_and_select_over_tcp()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        var connectionString = await server.CreateDatabaseAsync("shop_1", "shop_user", "p'a\"ss\\wörd", ct);

        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using (var create = new MySqlCommand("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(50)); INSERT INTO items VALUES (1, 'Übersicht')", connection))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        await using var select = new MySqlCommand("SELECT name FROM items WHERE id = 1", connection);
        Assert.Equal("Übersicht", await select.ExecuteScalarAsync(ct));
        await using var account = new MySqlCommand("SELECT CURRENT_USER()", connection);
        Assert.Equal("shop_user@127.0.0.1", await account.ExecuteScalarAsync(ct));
    }

    [Fact]
    public async Task The_server_listens_on_127_0_0_1_only()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;
        await using var connection = await server.OpenRootConnectionAsync(ct);
        await using var command = new MySqlCommand("SELECT @@bind_address", connection);

        Assert.Equal("127.0.0.1", await command.ExecuteScalarAsync(ct));
        Assert.Equal([IPAddress.Loopback], await ListeningSockets.AddressesForPortAsync(server.Port, ct));
    }
}
