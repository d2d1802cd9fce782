using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Backupd.Contracts.NodeApi;

namespace Backupd.Tests.Nodes;

/// <summary>
/// What an attacker brings to the node API: any certificate it can make, raw sockets, and no
/// scruples about which server it talks to. Test code only.
/// </summary>
internal static class RogueNode
{
    /// <summary>An HTTPS client that presents <paramref name="certificate"/> (or nothing) and trusts any server.</summary>
    public static HttpClient Client(Uri nodeApi, X509Certificate2? certificate, string? bearer = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                // Offline: this side must fetch nothing either, so that whatever a test's listener hears came from the master.
                ClientCertificateContext = certificate is null ? null : SslStreamCertificateContext.Create(certificate, null, offline: true),
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            },
        };
        var http = new HttpClient(handler) { BaseAddress = nodeApi, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        }

        return http;
    }

    /// <summary>A heartbeat as a node would send it.</summary>
    public static Task<HttpResponseMessage> HeartbeatAsync(HttpClient http) =>
        http.PostAsync(NodeApiRoutes.Heartbeat, new StringContent("""{"version":"0.0.0","operatingSystem":"rogue","modules":[],"freeDiskBytes":1}""", System.Text.Encoding.UTF8, "application/json"));

    /// <summary>A self-signed client certificate that names <paramref name="nodeId"/>.</summary>
    public static X509Certificate2 SelfSigned(string nodeId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = ClientRequest(nodeId, key);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// A CA of the attacker's that copies the name of the real one (which any TLS client sees in
    /// the master's certificate), and a certificate it signs for <paramref name="nodeId"/>.
    /// </summary>
    public static X509Certificate2 SignedByLookAlike(X500DistinguishedName authorityName, string nodeId)
    {
        using var authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorityRequest = new CertificateRequest(authorityName, authorityKey, HashAlgorithmName.SHA256);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var authority = authorityRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = ClientRequest(nodeId, key).Create(authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>
    /// A client certificate for <paramref name="nodeId"/> whose issuer and revocation list, it
    /// says, are to be fetched from <paramref name="url"/>: self-signed, or signed by a key of
    /// the attacker's under the name <paramref name="issuer"/>.
    /// </summary>
    public static X509Certificate2 PointingAt(string url, X500DistinguishedName? issuer, string nodeId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = ClientRequest(nodeId, key);
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [url + "issuer.cer"]));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([url + "revoked.crl"]));
        if (issuer is null)
        {
            using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            return X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null);
        }

        using var issuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var generator = X509SignatureGenerator.CreateForECDsa(issuerKey);
        using var certificate = request.Create(issuer, generator, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The certificate the master presents on its node API, as anyone who connects sees it.</summary>
    public static async Task<X509Certificate2> ServerCertificateAsync(Uri nodeApi)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(nodeApi.Host, nodeApi.Port);
        X509Certificate2? seen = null;
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) =>
        {
            seen = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
            return true;
        });
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = nodeApi.Host });
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            // The master wants a client certificate this connection does not have; the server's was seen by then.
        }

        return seen ?? throw new InvalidOperationException("The master presented no certificate.");
    }

    /// <summary>A plain TCP connection from <paramref name="localAddress"/> that sends nothing.</summary>
    public static async Task<Socket> SilentConnectionAsync(Uri nodeApi, IPAddress localAddress)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(localAddress, 0));
        await socket.ConnectAsync(IPAddress.Parse(nodeApi.Host), nodeApi.Port);
        return socket;
    }

    /// <summary>Waits for the server to close <paramref name="socket"/>; true when it did within <paramref name="timeout"/>.</summary>
    public static async Task<bool> ClosedByServerAsync(Socket socket, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[1];
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static CertificateRequest ClientRequest(string nodeId, ECDsa key)
    {
        var request = new CertificateRequest(new X500DistinguishedName($"CN={nodeId}"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], true));
        return request;
    }
}
