using Backupd.Secrets;

namespace Backupd.Tests.Secrets;

public sealed class FernetKeyTests
{
    private const string SpecSecret = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

    [Fact]
    public void Generated_key_exports_as_python_writes_keys_and_parses_back()
    {
        var exported = FernetKey.Generate().Export();

        Assert.Equal(44, exported.Length);
        Assert.EndsWith("=", exported, StringComparison.Ordinal);
        Assert.DoesNotContain('+', exported);
        Assert.DoesNotContain('/', exported);
        Assert.Equal(exported, FernetKey.Parse(exported).Export());
    }

    [Fact]
    public void Generated_keys_differ()
    {
        Assert.NotEqual(FernetKey.Generate().Export(), FernetKey.Generate().Export());
    }

    [Fact]
    public void Key_without_padding_or_with_surrounding_whitespace_parses()
    {
        Assert.Equal(SpecSecret, FernetKey.Parse(SpecSecret.TrimEnd('=')).Export());
        Assert.Equal(SpecSecret, FernetKey.Parse("  " + SpecSecret + "\n").Export());
    }

    [Fact]
    public void First_half_signs_and_second_half_encrypts()
    {
        var key = FernetKey.Parse(SpecSecret);
        var bytes = Convert.FromBase64String(SpecSecret.Replace('-', '+').Replace('_', '/'));

        Assert.Equal(bytes[..16], key.SigningKey.ToArray());
        Assert.Equal(bytes[16..], key.EncryptionKey.ToArray());
    }

    [Fact]
    public void ToString_does_not_reveal_the_key()
    {
        var key = FernetKey.Parse(SpecSecret);

        Assert.DoesNotContain(SpecSecret.TrimEnd('='), key.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(SpecSecret.TrimEnd('='), $"{key}", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-a-key")]
    [InlineData("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e")]
    [InlineData("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4cw_0x689RpI-jtRR7oE8h_eQ=")]
    [InlineData("cw/0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4=")]
    [InlineData("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=,")]
    public void Parse_refuses_a_non_key_without_echoing_it(string text)
    {
        var error = Assert.Throws<FormatException>(() => FernetKey.Parse(text));

        Assert.Contains("32 bytes, URL-safe base64, as Python's Fernet.generate_key() makes", error.Message, StringComparison.Ordinal);
        if (text.Trim().Length > 0)
        {
            Assert.DoesNotContain(text.Trim(), error.Message, StringComparison.Ordinal);
        }

        Assert.False(FernetKey.TryParse(text, out _));
    }
}
