using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Backupd.Secrets;
using Microsoft.Extensions.Time.Testing;

namespace Backupd.Tests.Secrets;

public sealed class FernetTests
{
    private static readonly DateTimeOffset Now = new(2025, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan OneHour = TimeSpan.FromHours(1);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(1000)]
    public void Bytes_round_trip(int length)
    {
        var fernet = new Fernet(FernetKey.Generate());
        var plaintext = RandomNumberGenerator.GetBytes(length);

        Assert.Equal(plaintext, fernet.Decrypt(fernet.Encrypt(plaintext)));
    }

    [Fact]
    public void Text_round_trips_as_utf8()
    {
        var fernet = new Fernet(FernetKey.Generate());
        const string password = "pässwörd ✓ 🔑";

        var token = fernet.Encrypt(password);

        Assert.Equal(password, fernet.DecryptString(token));
        Assert.Equal(Encoding.UTF8.GetBytes(password), fernet.Decrypt(token));
    }

    [Fact]
    public void Token_is_padded_url_safe_base64_and_decrypts_without_its_padding()
    {
        var fernet = new Fernet(FernetKey.Generate());
        // One block of ciphertext makes a 73-byte token, which base64 pads with "==".
        var token = fernet.Encrypt("secret!");

        Assert.Equal(0, token.Length % 4);
        Assert.EndsWith("=", token, StringComparison.Ordinal);
        Assert.DoesNotContain('+', token);
        Assert.DoesNotContain('/', token);
        Assert.Equal("secret!", fernet.DecryptString(token.TrimEnd('=')));
    }

    [Fact]
    public void Token_carries_version_0x80_and_the_time_of_the_time_provider()
    {
        var fernet = new Fernet(FernetKey.Generate(), new FakeTimeProvider(Now));

        var bytes = Decode(fernet.Encrypt("x"));

        Assert.Equal(0x80, bytes[0]);
        Assert.Equal((ulong)Now.ToUnixTimeSeconds(), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(1, 8)));
    }

    [Fact]
    public void Each_token_has_its_own_iv()
    {
        var fernet = new Fernet(FernetKey.Generate(), new FakeTimeProvider(Now));

        var first = Decode(fernet.Encrypt("same"));
        var second = Decode(fernet.Encrypt("same"));

        Assert.NotEqual(first[9..25], second[9..25]);
    }

    [Fact]
    public void Any_altered_byte_is_refused()
    {
        var fernet = new Fernet(FernetKey.Generate());
        var bytes = Decode(fernet.Encrypt("do not touch"));

        for (var i = 0; i < bytes.Length; i++)
        {
            var altered = (byte[])bytes.Clone();
            altered[i] ^= 0x01;
            var error = Record.Exception(() => fernet.Decrypt(Encode(altered)));
            Assert.True(error is InvalidFernetTokenException, $"A change of byte {i} was not refused: {error?.GetType().Name ?? "it decrypted"}");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("gAAA")]
    [InlineData("not a token")]
    [InlineData("gAAAAAAdwJ6w+AECAwQFBgcICQoLDA0ODy021cpGVWKZ/eEwCGM4BLLF/5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==")]
    public void Something_that_is_not_a_token_is_refused(string token)
    {
        var fernet = new Fernet(FernetKey.Generate());

        Assert.Throws<InvalidFernetTokenException>(() => fernet.Decrypt(token));
    }

    [Fact]
    public void Token_of_another_key_is_refused_with_a_message_that_reveals_nothing()
    {
        var key = FernetKey.Generate();
        var other = FernetKey.Generate();
        var token = new Fernet(other).Encrypt("hunter2-secret");

        var error = Assert.Throws<InvalidFernetTokenException>(() => new Fernet(key).Decrypt(token));

        Assert.Contains("could not be decrypted with any configured key", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Export().TrimEnd('='), error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(other.Export().TrimEnd('='), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Time_to_live_counts_from_the_token_timestamp()
    {
        var clock = new FakeTimeProvider(Now);
        var fernet = new Fernet(FernetKey.Generate(), clock);
        var token = fernet.Encrypt("x");

        clock.Advance(OneHour);
        Assert.Equal("x", fernet.DecryptString(token, OneHour));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Throws<InvalidFernetTokenException>(() => fernet.Decrypt(token, OneHour));
        Assert.Equal("x", fernet.DecryptString(token));
    }

    [Fact]
    public void Future_timestamp_within_the_clock_skew_is_accepted()
    {
        var key = FernetKey.Generate();
        var token = new Fernet(key, new FakeTimeProvider(Now + Fernet.MaxClockSkew)).Encrypt("x");

        Assert.Equal("x", new Fernet(key, new FakeTimeProvider(Now)).DecryptString(token, OneHour));
    }

    [Fact]
    public void Future_timestamp_beyond_the_clock_skew_is_refused_only_with_a_time_to_live()
    {
        var key = FernetKey.Generate();
        var token = new Fernet(key, new FakeTimeProvider(Now + Fernet.MaxClockSkew + TimeSpan.FromSeconds(1))).Encrypt("x");
        var reader = new Fernet(key, new FakeTimeProvider(Now));

        Assert.Throws<InvalidFernetTokenException>(() => reader.Decrypt(token, OneHour));
        Assert.Equal("x", reader.DecryptString(token));
    }

    [Fact]
    public void Negative_time_to_live_is_an_argument_error()
    {
        var fernet = new Fernet(FernetKey.Generate());

        Assert.Throws<ArgumentOutOfRangeException>(() => fernet.Decrypt(fernet.Encrypt("x"), TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => fernet.Decrypt("not a token", TimeSpan.FromSeconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FernetKeyRing([FernetKey.Generate()]).Decrypt("not a token", TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void DecryptString_refuses_a_message_that_is_not_utf8()
    {
        var fernet = new Fernet(FernetKey.Generate());

        Assert.Throws<DecoderFallbackException>(() => fernet.DecryptString(fernet.Encrypt([0xff, 0xfe])));
    }

    private static byte[] Decode(string token) =>
        Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/'));

    private static string Encode(byte[] bytes) =>
        Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
}
