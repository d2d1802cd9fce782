using System.Buffers.Binary;
using Backupd.Secrets;
using Microsoft.Extensions.Time.Testing;

namespace Backupd.Tests.Secrets;

public sealed class FernetKeyRingTests
{
    private readonly FernetKey _primary = FernetKey.Generate();
    private readonly FernetKey _older = FernetKey.Generate();

    [Fact]
    public void First_key_encrypts()
    {
        var ring = new FernetKeyRing([_primary, _older]);

        var token = ring.Encrypt("secret");

        Assert.Equal("secret", new Fernet(_primary).DecryptString(token));
        Assert.Throws<InvalidFernetTokenException>(() => new Fernet(_older).Decrypt(token));
    }

    [Fact]
    public void Every_key_decrypts()
    {
        var ring = new FernetKeyRing([_primary, _older]);

        Assert.Equal("new", ring.DecryptString(new Fernet(_primary).Encrypt("new")));
        Assert.Equal("old", ring.DecryptString(new Fernet(_older).Encrypt("old")));
    }

    [Fact]
    public void Token_of_a_key_outside_the_ring_is_refused()
    {
        var ring = new FernetKeyRing([_primary, _older]);
        var token = new Fernet(FernetKey.Generate()).Encrypt("secret");

        var error = Assert.Throws<InvalidFernetTokenException>(() => ring.Decrypt(token));
        Assert.Contains("could not be decrypted with any configured key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Time_to_live_applies_to_every_key()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var ring = new FernetKeyRing([_primary, _older], clock);
        var token = new Fernet(_older, clock).Encrypt("old");

        clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Throws<InvalidFernetTokenException>(() => ring.Decrypt(token, TimeSpan.FromMinutes(1)));
        Assert.Equal("old", ring.DecryptString(token, TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void Rotation_detection_tells_primary_tokens_from_older_ones()
    {
        var ring = new FernetKeyRing([_primary, _older]);

        Assert.True(ring.IsEncryptedWithPrimary(ring.Encrypt("new")));
        Assert.False(ring.IsEncryptedWithPrimary(new Fernet(_older).Encrypt("old")));
        Assert.False(ring.IsEncryptedWithPrimary(new Fernet(FernetKey.Generate()).Encrypt("foreign")));
        Assert.False(ring.IsEncryptedWithPrimary("not a token"));
    }

    [Fact]
    public void Rotate_re_encrypts_with_the_primary_and_keeps_the_timestamp()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var old = new Fernet(_older, clock).Encrypt("keep me");
        clock.Advance(TimeSpan.FromDays(30));
        var ring = new FernetKeyRing([_primary, _older], clock);

        var rotated = ring.Rotate(old);

        Assert.True(ring.IsEncryptedWithPrimary(rotated));
        Assert.Equal("keep me", new Fernet(_primary).DecryptString(rotated));
        Assert.Equal(TimestampOf(old), TimestampOf(rotated));
    }

    [Fact]
    public void Rotate_refuses_a_token_no_key_can_decrypt()
    {
        var ring = new FernetKeyRing([_primary]);

        Assert.Throws<InvalidFernetTokenException>(() => ring.Rotate(new Fernet(_older).Encrypt("x")));
    }

    [Fact]
    public void Parse_reads_comma_separated_keys_in_order()
    {
        var ring = FernetKeyRing.Parse($" {_primary.Export()} , {_older.Export().TrimEnd('=')},");

        Assert.Equal(2, ring.Count);
        Assert.True(ring.IsEncryptedWithPrimary(new Fernet(_primary).Encrypt("x")));
        Assert.Equal("old", ring.DecryptString(new Fernet(_older).Encrypt("old")));
    }

    [Fact]
    public void Parse_names_the_bad_key_by_position_without_echoing_any_key()
    {
        var text = $"{_primary.Export()},not-a-key,{_older.Export()}";

        var error = Assert.Throws<FormatException>(() => FernetKeyRing.Parse(text));

        Assert.StartsWith("Key 2 of 3 is not a Fernet key", error.Message, StringComparison.Ordinal);
        Assert.Contains("32 bytes, URL-safe base64, as Python's Fernet.generate_key() makes", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_primary.Export().TrimEnd('='), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ")]
    public void Parse_refuses_an_empty_list(string text)
    {
        var error = Assert.Throws<FormatException>(() => FernetKeyRing.Parse(text));

        Assert.Contains("32 bytes, URL-safe base64, as Python's Fernet.generate_key() makes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ring_without_keys_is_an_argument_error()
    {
        Assert.Throws<ArgumentException>(() => new FernetKeyRing([]));
    }

    private static ulong TimestampOf(string token) =>
        BinaryPrimitives.ReadUInt64BigEndian(Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/')).AsSpan(1, 8));
}
