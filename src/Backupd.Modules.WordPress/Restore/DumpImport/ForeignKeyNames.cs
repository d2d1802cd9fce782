using System.Globalization;
using System.Text;

namespace Backupd.Modules.WordPress.Restore.DumpImport;

/// <summary>
/// The names a staged table's foreign keys take. A foreign key's name is unique in its database,
/// and the live table holds the dump's names until the swap (the kept copy after it), so they
/// cannot be kept as they are. InnoDB renames a key named <c>&lt;table&gt;_ibfk_&lt;n&gt;</c> with
/// its table: such a name is staged as the staging table's and comes back whole with the swap.
/// Any other name becomes one of that kind, numbered past 1000 and past any the table has, so it
/// cannot meet InnoDB's own numbering; a later backup and restore keep it as it is.
/// </summary>
internal sealed class ForeignKeyNames
{
    private const int FirstNumber = 1001;
    private readonly byte[][] _staged;

    /// <param name="table">The table's live name.</param>
    /// <param name="staging">Its name under the staging prefix.</param>
    /// <param name="names">Its foreign keys' names in the dump.</param>
    public ForeignKeyNames(byte[] table, byte[] staging, IReadOnlyList<byte[]> names)
    {
        byte[] own = [.. table, .. "_ibfk_"u8];
        var numbers = names.Select(name => Number(name, own)).ToList();
        var next = Math.Max(FirstNumber, numbers.Select(number => number ?? 0).DefaultIfEmpty(0).Max() + 1);
        _staged = new byte[names.Count][];
        for (var i = 0; i < names.Count; i++)
        {
            if (numbers[i] is null)
            {
                var number = next++;
                Renamed.Add(string.Create(CultureInfo.InvariantCulture, $"{Encoding.UTF8.GetString(names[i])} of {Encoding.UTF8.GetString(table)} (now <table>_ibfk_{number})"));
                _staged[i] = [.. staging, .. Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"_ibfk_{number}"))];
            }
            else
            {
                _staged[i] = [.. staging, .. names[i].AsSpan(own.Length - "_ibfk_"u8.Length)];
            }
        }
    }

    /// <summary>Keys that get a new name: "old name of table (now &lt;table&gt;_ibfk_N)".</summary>
    public List<string> Renamed { get; } = [];

    /// <summary>The staged name of the key at <paramref name="index"/>.</summary>
    public byte[] Staged(int index) => _staged[index];

    private static int? Number(byte[] name, byte[] own) =>
        name.AsSpan().StartsWith(own) && int.TryParse(name.AsSpan(own.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number < int.MaxValue / 2
            ? number
            : null;
}
