using System.Buffers.Binary;
using System.Text;
using Backupd.Bundles;

namespace Backupd.Tests.Bundles;

/// <summary>
/// The index at a bundle's end: a zstd skippable frame a reader finds from the end and reads back
/// as written, and anything else there (an older bundle's last frame, a damaged or forged index,
/// an offset past the bundle) read as no index at all.
/// </summary>
public sealed class BundleIndexTests
{
    [Fact]
    public async Task An_index_written_after_a_bundle_is_read_back_as_written_and_the_position_is_kept()
    {
        var body = Encoding.ASCII.GetBytes(new string('x', 5000));
        var frame = BundleIndex.Frame([("database.sql", 4000), ("other", 12)]);
        await using var bundle = new MemoryStream([.. body, .. frame]);
        bundle.Position = 3;

        var index = await BundleIndex.ReadAsync(bundle, CancellationToken.None);

        Assert.Equal(new Dictionary<string, long> { ["database.sql"] = 4000, ["other"] = 12 }, index);
        Assert.Equal(3, bundle.Position);
        // A zstd skippable frame: one of the reserved magic numbers, then the length of what follows.
        Assert.Equal(0x184D2A50u, BinaryPrimitives.ReadUInt32LittleEndian(frame) & 0xFFFFFFF0u);
        Assert.Equal((uint)(frame.Length - 8), BinaryPrimitives.ReadUInt32LittleEndian(frame.AsSpan(4)));
    }

    [Fact]
    public async Task A_bundle_without_an_index_has_none()
    {
        await using var bundle = new MemoryStream(Encoding.ASCII.GetBytes(new string('x', 5000)));
        Assert.Empty(await BundleIndex.ReadAsync(bundle, CancellationToken.None));
        await using var tiny = new MemoryStream([1, 2, 3]);
        Assert.Empty(await BundleIndex.ReadAsync(tiny, CancellationToken.None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(12)]
    public async Task An_index_with_a_byte_changed_in_its_frame_header_or_json_is_no_index(int at)
    {
        var frame = BundleIndex.Frame([("database.sql", 10)]);
        frame[at] ^= 0x5A;
        await using var bundle = new MemoryStream([.. new byte[100], .. frame]);
        Assert.Empty(await BundleIndex.ReadAsync(bundle, CancellationToken.None));
    }

    [Fact]
    public async Task An_index_claiming_more_bytes_than_the_bundle_has_is_no_index()
    {
        var frame = BundleIndex.Frame([("database.sql", 10)]);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(frame.Length - 12), 1_000_000);
        await using var bundle = new MemoryStream([.. new byte[100], .. frame]);
        Assert.Empty(await BundleIndex.ReadAsync(bundle, CancellationToken.None));
    }

    [Fact]
    public async Task An_entry_said_to_start_in_or_after_the_index_itself_is_left_out()
    {
        await using var bundle = new MemoryStream([.. new byte[100], .. BundleIndex.Frame([("inside", 100), ("past", 9999), ("negative", -1), ("fine", 99)])]);
        Assert.Equal(new Dictionary<string, long> { ["fine"] = 99 }, await BundleIndex.ReadAsync(bundle, CancellationToken.None));
    }
}
