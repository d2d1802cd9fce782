using System.Globalization;
using Backupd.Secrets;
using Microsoft.Extensions.Time.Testing;

namespace Backupd.Tests.Secrets;

/// <summary>
/// The Fernet spec's acceptance vectors, copied from generate.json, verify.json and invalid.json
/// of https://github.com/fernet/spec (the files pyca/cryptography also tests against, in
/// vectors/cryptography_vectors/fernet/). All use one secret and a TTL of 60 s.
/// </summary>
public sealed class FernetSpecVectorTests
{
    private const string Secret = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
    private const string HelloToken = "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";
    private const string VerifyNow = "1985-10-26T01:20:01-07:00";
    private const string ExpiredToken = "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==";
    private const string FarFutureToken = "gAAAAAAdwStRAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAnja1xKYyhd-Y6mSkTOyTGJmw2Xc2a6kBd-iX9b_qXQcw==";
    private static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string, string> InvalidVectors => new()
    {
        { "incorrect mac", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykQUFBQUFBQUFBQQ==", VerifyNow },
        { "too short", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPA==", VerifyNow },
        { "invalid base64", "%%%%%%%%%%%%%AECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAl1-szkFVzXTuGb4hR8AKtwcaX1YdykRtfsH-p1YsUD2Q==", VerifyNow },
        { "payload size not multiple of block size", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPOm73QeoCk9uGib28Xe5vz6oxq5nmxbx_v7mrfyudzUm", VerifyNow },
        { "payload padding error", "gAAAAAAdwJ6xAAECAwQFBgcICQoLDA0ODz4LEpdELGQAad7aNEHbf-JkLPIpuiYRLQ3RtXatOYREu2FWke6CnJNYIbkuKNqOhw==", VerifyNow },
        { "far-future TS (unacceptable clock skew)", FarFutureToken, VerifyNow },
        { "expired TTL", ExpiredToken, "1985-10-26T01:21:31-07:00" },
        { "incorrect IV (causes padding error)", "gAAAAAAdwJ6xBQECAwQFBgcICQoLDA0OD3HkMATM5lFqGaerZ-fWPAkLhFLHpGtDBRLRTZeUfWgHSv49TF2AUEZ1TIvcZjK1zQ==", VerifyNow },
    };

    [Fact]
    public void Generate_vector_gives_the_published_token()
    {
        var fernet = new Fernet(FernetKey.Parse(Secret), ClockAt("1985-10-26T01:20:00-07:00"));
        byte[] iv = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

        Assert.Equal(HelloToken, fernet.Encrypt("hello"u8, iv));
    }

    [Fact]
    public void Verify_vector_decrypts_within_its_time_to_live()
    {
        var fernet = new Fernet(FernetKey.Parse(Secret), ClockAt(VerifyNow));

        Assert.Equal("hello", fernet.DecryptString(HelloToken, TimeToLive));
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void Invalid_vector_is_refused(string description, string token, string now)
    {
        var fernet = new Fernet(FernetKey.Parse(Secret), ClockAt(now));

        var error = Record.Exception(() => fernet.Decrypt(token, TimeToLive));

        Assert.True(
            error is InvalidFernetTokenException,
            $"The '{description}' vector must be refused with {nameof(InvalidFernetTokenException)}, but {(error is null ? "it decrypted" : error.GetType().Name + " was thrown")}.");
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void Invalid_vector_is_refused_by_a_key_ring(string description, string token, string now)
    {
        var ring = FernetKeyRing.Parse(FernetKey.Generate().Export() + "," + Secret, ClockAt(now));

        var error = Record.Exception(() => ring.Decrypt(token, TimeToLive));

        Assert.True(error is InvalidFernetTokenException, $"The key ring accepted the '{description}' vector or failed otherwise: {error}");
    }

    [Theory]
    [InlineData(ExpiredToken, "1985-10-26T01:21:31-07:00")]
    [InlineData(FarFutureToken, VerifyNow)]
    public void Expired_and_far_future_vectors_fail_only_on_time(string token, string now)
    {
        var fernet = new Fernet(FernetKey.Parse(Secret), ClockAt(now));

        Assert.Empty(fernet.Decrypt(token));
    }

    private static FakeTimeProvider ClockAt(string isoTime) =>
        new(DateTimeOffset.Parse(isoTime, CultureInfo.InvariantCulture));
}
