using System.Globalization;
using Orleans.Core;

namespace Backupd.Grains.Indexing;

/// <summary>The version of a grain's stored state, which its index row is stamped with.</summary>
internal static class StateVersion
{
    /// <summary>
    /// The storage's etag as a number: the ADO.NET storage's etag is the row's Version column,
    /// which grows by one with each write. Before the first write there is none: 0.
    /// </summary>
    public static long Of(IStorage state) => long.TryParse(state.Etag, CultureInfo.InvariantCulture, out var version) ? version : 0;
}
