namespace Backupd.Dashboard.Components.Shared;

/// <summary>
/// The rows of a table a live page reads again, each row the same object from one read to the next
/// for as long as its key is listed.
/// </summary>
/// <remarks>
/// MudTable keys each row element by its item. A read returns new records, so every read used to
/// replace every row, its buttons with it: a click the browser sent just before a read landed
/// reached the server naming a handler that was gone, and Blazor dropped it without a word. A row
/// kept across reads is patched in place instead, and Blazor hands a click sent to a replaced
/// handler to the one that replaced it. MudTable renders each row in a region of its own, so keys
/// are matched row by row in order: a read that puts a new row above others (a new job at the top)
/// still replaces the rows below it; the reads of a live page are mostly changes to rows in place.
/// </remarks>
public sealed class KeptRows<TItem, TKey>(Func<TItem, TKey> keyOf) where TKey : notnull
{
    private Dictionary<TKey, KeptRow<TItem>> _byKey = [];

    /// <summary>The rows in the order of the last read.</summary>
    public IReadOnlyList<KeptRow<TItem>> Rows { get; private set; } = [];

    public int Count => Rows.Count;

    /// <summary>Takes what a read returned: rows whose keys were listed before keep their object.</summary>
    public void Update(IEnumerable<TItem> items)
    {
        var byKey = new Dictionary<TKey, KeptRow<TItem>>();
        var rows = new List<KeptRow<TItem>>();
        foreach (var item in items)
        {
            var key = keyOf(item);
            if (byKey.ContainsKey(key))
            {
                // Two siblings with one key would make Blazor refuse the render: a repeat gets a row of its own.
                rows.Add(new KeptRow<TItem>(item));
                continue;
            }

            if (_byKey.TryGetValue(key, out var row))
            {
                row.Item = item;
            }
            else
            {
                row = new KeptRow<TItem>(item);
            }

            byKey.Add(key, row);
            rows.Add(row);
        }

        _byKey = byKey;
        Rows = rows;
    }
}

/// <summary>One row of <see cref="KeptRows{TItem, TKey}"/>: what the last read said of it.</summary>
public sealed class KeptRow<TItem>(TItem item)
{
    public TItem Item { get; internal set; } = item;
}
