using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Backupd.Hosting;
using Backupd.Master.NodeApi;
using Backupd.Master.Options;
using Backupd.Node.Identity;
using Backupd.Tests.Bundles;
using Backupd.Tests.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Backupd.Tests.Master.NodeApi;

/// <summary>
/// The master's node CA on its own: what it signs, what it accepts as a node certificate (the
/// TLS layer's whole decision), and how it lives in the data dir.
/// </summary>
public sealed class NodeCertificateAuthorityTests : IDisposable
{
    private const string NodeId = "n0123456789abcdef";
    private readonly TempDirectory _dataDir = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _dataDir.Dispose();

    [Fact]
    public async Task A_node_certificate_names_the_node_holds_its_key_and_is_accepted_until_it_expires()
    {
        var authority = await StartAsync();
        var key = NodeKey.Create();

        var (issued, serial) = authority.Issue(NodeId, key.CertificateRequestPem);

        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem, key.PrivateKeyPem);
        Assert.Equal($"CN={NodeId}", certificate.Subject);
        Assert.Equal(serial, certificate.SerialNumber);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromDays(90), issued.NotAfter);
        Assert.Equal(authority.Authority.ExportCertificatePem(), issued.AuthorityPem);
        Assert.True(authority.IssuedToNode(certificate));

        _clock.Advance(TimeSpan.FromDays(91));
        Assert.False(authority.IssuedToNode(certificate), "an expired node certificate was accepted");
    }

    [Fact]
    public async Task Certificates_it_did_not_issue_as_a_node_certificate_are_not_accepted()
    {
        var authority = await StartAsync();

        using var selfSigned = RogueNode.SelfSigned(NodeId);
        using var lookAlike = RogueNode.SignedByLookAlike(authority.Authority.SubjectName, NodeId);
        Assert.False(authority.IssuedToNode(selfSigned));
        Assert.False(authority.IssuedToNode(lookAlike));
        // The master's own server certificate is the CA's, but not for client authentication.
        Assert.False(authority.IssuedToNode(authority.ServerCertificate));
        Assert.False(authority.IssuedToNode(authority.Authority));
    }

    [Fact]
    public async Task A_request_that_is_not_a_valid_p256_request_is_refused_before_anything_is_signed()
    {
        var authority = await StartAsync();
        var good = NodeKey.Create().CertificateRequestPem;
        var tampered = good.Replace(good.Split('\n')[2], new string('A', good.Split('\n')[2].Length), StringComparison.Ordinal);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var wrongCurve = new CertificateRequest("CN=x", p384, HashAlgorithmName.SHA256).CreateSigningRequestPem();

        Assert.Null(authority.Check(good));
        Assert.StartsWith("The certificate request is not a valid PKCS #10 request", authority.Check("not a request"), StringComparison.Ordinal);
        Assert.NotNull(authority.Check(tampered));
        Assert.Equal("The certificate request must be for an ECDSA P-256 key.", authority.Check(wrongCurve));
        Assert.Throws<ArgumentException>(() => authority.Issue(NodeId, wrongCurve));
    }

    [Fact]
    public async Task The_ca_is_made_once_kept_private_and_loaded_again_at_the_next_start()
    {
        var first = await StartAsync();
        var key = NodeKey.Create();
        var (issued, _) = first.Issue(NodeId, key.CertificateRequestPem);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dataDir.Combine("node-ca.key")));
        var second = await StartAsync();
        Assert.Equal(first.Fingerprint, second.Fingerprint);
        using var certificate = X509Certificate2.CreateFromPem(issued.CertificatePem, key.PrivateKeyPem);
        Assert.True(second.IssuedToNode(certificate));
    }

    [Fact]
    public async Task A_ca_whose_certificate_is_lost_stops_start_up_instead_of_being_replaced()
    {
        await StartAsync();
        File.Delete(_dataDir.Combine("node-ca.pem"));

        var error = await Assert.ThrowsAsync<StartupFailedException>(StartAsync);

        Assert.Contains("Restore the certificate from the backup made with the database", error.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(_dataDir.Combine("node-ca.key")));
    }

    [Fact]
    public async Task A_ca_whose_key_is_lost_stops_start_up_and_says_how_to_go_on()
    {
        var first = await StartAsync();
        File.Delete(_dataDir.Combine("node-ca.key"));

        var error = await Assert.ThrowsAsync<StartupFailedException>(StartAsync);

        Assert.Contains("Restore the key from the backup made with the database; if this master never approved a node, delete", error.Message, StringComparison.Ordinal);
        Assert.Equal(first.Authority.ExportCertificatePem(), await File.ReadAllTextAsync(_dataDir.Combine("node-ca.pem")));
    }

    [Fact]
    public async Task The_masters_own_certificate_is_made_again_a_month_before_it_expires()
    {
        var authority = await StartAsync();
        var first = authority.ServerCertificate;
        _clock.Advance(TimeSpan.FromDays(300));
        Assert.Same(first, authority.ServerCertificate);

        _clock.Advance(TimeSpan.FromDays(70));
        var renewed = authority.ServerCertificate;

        Assert.NotEqual(first.Thumbprint, renewed.Thumbprint);
        Assert.True(renewed.NotAfter.ToUniversalTime() > _clock.GetUtcNow().UtcDateTime.AddDays(300));
    }

    private async Task<NodeCertificateAuthority> StartAsync()
    {
        var authority = new NodeCertificateAuthority(new MasterOptions { DataDir = _dataDir.Path }, _clock, NullLogger<NodeCertificateAuthority>.Instance);
        await authority.StartingAsync(CancellationToken.None);
        return authority;
    }
}
