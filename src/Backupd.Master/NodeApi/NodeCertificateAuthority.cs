using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Backupd.Contracts.Nodes;
using Backupd.Grains.Nodes;
using Backupd.Hosting;
using Backupd.Master.Options;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.NodeApi;

/// <summary>
/// The master's own small CA for nodes: it signs each node's key at approval (and at renewal),
/// and the master's certificate for the node API. Nodes trust only this CA for the master, and
/// the master only this CA for nodes. The CA's key lives in <c>&lt;data dir&gt;/node-ca.key</c>
/// (0600), beside <c>node-ca.pem</c>; both are loaded before the silo starts.
/// </summary>
public sealed partial class NodeCertificateAuthority(MasterOptions options, TimeProvider time, ILogger<NodeCertificateAuthority> logger)
    : INodeCertificateIssuer, IHostedLifecycleService
{
    /// <summary>The OID of the TLS client authentication extended key usage.</summary>
    public const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private const string ServerAuthenticationOid = "1.3.6.1.5.5.7.3.1";
    private static readonly TimeSpan AuthorityLifetime = TimeSpan.FromDays(20 * 365);
    private static readonly TimeSpan ServerCertificateLifetime = TimeSpan.FromDays(397);

    // Certificates start a little in the past, so that a node whose clock is a few minutes behind
    // does not see them as not yet valid.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(10);

    // The master's own certificate is made anew this long before it expires, for a master that runs for a year.
    private static readonly TimeSpan ServerCertificateRenewal = TimeSpan.FromDays(30);

    private readonly Lock _serverGate = new();
    private X509Certificate2? _authority;
    private X509Certificate2? _server;

    /// <summary>The CA certificate (public part only).</summary>
    /// <exception cref="InvalidOperationException">The host has not started yet.</exception>
    public X509Certificate2 Authority => _authority ?? throw NotLoaded();

    /// <summary>SHA-256 of the CA certificate, in hex: what a node shows when it is approved, to compare with the master's.</summary>
    public string Fingerprint => Authority.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>The master's certificate for the node API, with its private key; made at start and again before it expires.</summary>
    public X509Certificate2 ServerCertificate
    {
        get
        {
            lock (_serverGate)
            {
                var current = _server ?? throw NotLoaded();
                if (time.GetUtcNow() < new DateTimeOffset(current.NotAfter.ToUniversalTime()) - ServerCertificateRenewal)
                {
                    return current;
                }

                // Handshakes in progress may still use the old one: it is left to the collector, not disposed.
                using var authorityKey = LoadKey();
                using var authority = Authority.CopyWithPrivateKey(authorityKey);
                return _server = IssueServerCertificate(authority);
            }
        }
    }

    private string CertificatePath => Path.Combine(options.DataDir, "node-ca.pem");

    private string KeyPath => Path.Combine(options.DataDir, "node-ca.key");

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        if (_authority is not null)
        {
            return;
        }

        using var key = await LoadOrCreateAsync(cancellationToken);
        using var authorityWithKey = _authority!.CopyWithPrivateKey(key);
        _server = IssueServerCertificate(authorityWithKey);
    }

    public (NodeCertificate Certificate, string SerialNumber) Issue(string nodeId, string certificateRequestPem)
    {
        var request = LoadRequest(certificateRequestPem);
        using var authorityKey = LoadKey();
        using var authority = Authority.CopyWithPrivateKey(authorityKey);
        var signed = new CertificateRequest(new X500DistinguishedName($"CN={nodeId}"), request.PublicKey, HashAlgorithmName.SHA256);
        signed.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        signed.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        signed.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ClientAuthenticationOid)], true));
        signed.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var now = time.GetUtcNow();
        var notAfter = now + options.NodeCertificateLifetime;
        using var certificate = signed.Create(authority, now - ClockSkew, notAfter, NewSerialNumber());
        LogIssued(nodeId, certificate.SerialNumber, notAfter);
        return (new NodeCertificate(certificate.ExportCertificatePem(), Authority.ExportCertificatePem(), notAfter), certificate.SerialNumber);
    }

    public string? Check(string certificateRequestPem)
    {
        try
        {
            LoadRequest(certificateRequestPem);
            return null;
        }
        catch (ArgumentException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Whether <paramref name="certificate"/> is a node certificate this CA issued and is valid now.</summary>
    public bool IssuedToNode(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var chain = new X509Chain { ChainPolicy = NodeChainPolicy() };
        return chain.Build(certificate) && chain.ChainElements.Count == 2 && chain.ChainElements[1].Certificate.Thumbprint == Authority.Thumbprint;
    }

    /// <summary>
    /// How a node's certificate chain is built: to this CA only, for client authentication, with
    /// nothing fetched from the network. A certificate can name URLs to fetch issuers or
    /// revocation lists from; following them would let anyone make the master connect where
    /// they like, before proving anything.
    /// </summary>
    public X509ChainPolicy NodeChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
            VerificationTime = time.GetUtcNow().UtcDateTime,
            VerificationTimeIgnored = false,
        };
        policy.CustomTrustStore.Add(Authority);
        policy.ApplicationPolicy.Add(new Oid(ClientAuthenticationOid));
        return policy;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<ECDsa> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(CertificatePath) && !File.Exists(KeyPath))
        {
            // The certificate alone still vouches for every node certificate already issued, so
            // it is never replaced behind the admin's back. (The key is written last: a master
            // stopped between the two writes at its very first start never approved a node.)
            throw new StartupFailedException(
                $"'{CertificatePath}' exists but '{KeyPath}' does not. Restore the key from the backup made with the database; "
                + $"if this master never approved a node, delete '{CertificatePath}' and a new CA is made.");
        }

        if (File.Exists(CertificatePath) && File.Exists(KeyPath))
        {
            try
            {
                _authority = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(CertificatePath, cancellationToken));
                return LoadKey();
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                throw new StartupFailedException(
                    $"Cannot load the node CA from '{CertificatePath}' and '{KeyPath}': {StartupFailedException.Reason(ex)}. Restore both files from the backup made with the database: without them no node can connect.", ex);
            }
        }

        if (File.Exists(KeyPath))
        {
            // Never replace a CA whose key exists: every node certificate it signed would stop working.
            throw new StartupFailedException(
                $"'{KeyPath}' exists but '{CertificatePath}' does not. Restore the certificate from the backup made with the database; without both no node can connect.");
        }

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN=backupd node CA {options.ClusterId} {Guid.NewGuid():N}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        using (var created = request.CreateSelfSigned(now - ClockSkew, now + AuthorityLifetime))
        {
            _authority = X509Certificate2.CreateFromPem(created.ExportCertificatePem());
        }

        try
        {
            DataDirectories.Create(options.DataDir);
            await PrivateFile.WriteAsync(CertificatePath, (stream, ct) => WriteTextAsync(stream, _authority.ExportCertificatePem(), ct), cancellationToken);
            await PrivateFile.WriteAsync(KeyPath, (stream, ct) => WriteTextAsync(stream, key.ExportPkcs8PrivateKeyPem(), ct), cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StartupFailedException(
                $"Cannot write the node CA to '{KeyPath}': {StartupFailedException.Reason(ex)}. The data dir must be writable by the user that runs the master.", ex);
        }

        LogCreated(CertificatePath, _authority.Thumbprint);
        return key;
    }

    private ECDsa LoadKey()
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(KeyPath));
        return key;
    }

    private X509Certificate2 IssueServerCertificate(X509Certificate2 authority)
    {
        // Not disposed: the certificate returned keeps using it for every handshake.
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=backupd master node API"), key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var host in NodeApiHosts())
        {
            if (IPAddress.TryParse(host, out var address))
            {
                names.AddIpAddress(address);
            }
            else
            {
                names.AddDnsName(host);
            }
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthenticationOid)], true));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var now = time.GetUtcNow();
        using var certificate = request.Create(authority, now - ClockSkew, now + ServerCertificateLifetime, NewSerialNumber());
        return certificate.CopyWithPrivateKey(key);
    }

    // The names nodes may use for the node API: the advertised URL's host and every concrete host it listens on.
    private IEnumerable<string> NodeApiHosts()
    {
        var hosts = MasterOptions.ListOf(options.NodeUrls)
            .Select(url => MasterOptions.Binding(url)?.Host)
            .Where(host => host is not null && !MasterOptions.IsWildcard(host))
            .Select(host => host!.Trim('[', ']'));
        if (options.NodeApiUrl is { Length: > 0 } advertised)
        {
            hosts = hosts.Append(new Uri(advertised).IdnHost);
        }

        return hosts.Distinct(StringComparer.OrdinalIgnoreCase);
    }

    private static CertificateRequest LoadRequest(string certificateRequestPem)
    {
        CertificateRequest request;
        try
        {
            request = CertificateRequest.LoadSigningRequestPem(certificateRequestPem, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"The certificate request is not a valid PKCS #10 request: {StartupFailedException.Reason(ex)}.", ex);
        }

        // Only the key the node agent makes: nothing weaker gets a certificate.
        using var key = request.PublicKey.GetECDsaPublicKey();
        if (key is null || key.KeySize != 256)
        {
            throw new ArgumentException("The certificate request must be for an ECDSA P-256 key.");
        }

        return request;
    }

    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive number, as X.509 requires
        return serial;
    }

    private static async Task WriteTextAsync(Stream stream, string text, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(text.AsMemory(), cancellationToken);
    }

    private static InvalidOperationException NotLoaded() =>
        new("The node CA is loaded when the host starts; use it after that.");

    [LoggerMessage(LogLevel.Warning, "Created the node CA {Path} (thumbprint {Thumbprint}). Back it up with the database: node certificates work only with it")]
    private partial void LogCreated(string path, string thumbprint);

    [LoggerMessage(LogLevel.Information, "Issued node {NodeId} certificate {SerialNumber}, valid until {NotAfter}")]
    private partial void LogIssued(string nodeId, string serialNumber, DateTimeOffset notAfter);
}
