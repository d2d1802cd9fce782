using System.Net;
using System.Security.Authentication;
using Backupd.Grains.Nodes;
using Backupd.Master.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.NodeApi;

/// <summary>
/// Where the master listens: the admin endpoints (<c>BACKUPD_URLS</c>, plain HTTP) and the node
/// endpoints (<c>BACKUPD_NODE_URLS</c>, HTTPS that requires a node certificate), and the node CA
/// that makes that possible. The two never serve each other's routes.
/// </summary>
public static class NodeApiHostingExtensions
{
    // A handshake has this long to finish; a socket that never starts one is closed after it too.
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Adds the node CA and both kinds of endpoint.</summary>
    public static WebApplicationBuilder AddBackupdEndpoints(this WebApplicationBuilder builder, MasterOptions options)
    {
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<NodeCertificateAuthority>();
        builder.Services.AddSingleton<INodeCertificateIssuer>(provider => provider.GetRequiredService<NodeCertificateAuthority>());
        // Loaded in StartingAsync, before the silo can activate a node grain that signs with it.
        builder.Services.AddHostedService(provider => provider.GetRequiredService<NodeCertificateAuthority>());
        builder.Services.AddSingleton<NodeConnections>();
        builder.Services.AddSingleton<NodeApiAddress>();
        builder.Services.AddSingleton<NodeSignalStreams>();
        builder.Services.AddSingleton<RefusalLog>();

        // The endpoints below are the only ones: no other source of URLs (ASPNETCORE_URLS, a "urls" key) adds to them.
        builder.WebHost.UseUrls();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var services = kestrel.ApplicationServices;
            var authority = services.GetRequiredService<NodeCertificateAuthority>();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NodeApiHostingExtensions).FullName!);
            var refusals = services.GetRequiredService<RefusalLog>();
            var perAddress = new ConnectionsPerAddress(options.NodeMaxConnectionsPerAddress, options.NodeMaxConnections, refusals, logger);
            // A node makes a few calls at a time; HTTP/2's default of 100 streams per connection would let one connection count as many.
            kestrel.Limits.Http2.MaxStreamsPerConnection = 8;
            // "Server: Kestrel" tells a stranger what to try first.
            kestrel.AddServerHeader = false;
            var gate = new NodeConnectionGate(services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<NodeConnections>(), refusals, logger);

            foreach (var url in MasterOptions.ListOf(options.Urls))
            {
                Listen(kestrel, url, _ => { });
            }

            foreach (var url in MasterOptions.ListOf(options.NodeUrls))
            {
                Listen(kestrel, url, listen =>
                {
                    listen.Use(perAddress.Wrap);
                    listen.UseHttps(new HttpsConnectionAdapterOptions
                    {
                        ServerCertificateSelector = (_, _) => authority.ServerCertificate,
                        ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                        ClientCertificateValidation = (certificate, _, _) => authority.IssuedToNode(certificate),
                        // The chain TLS builds itself, too, goes to the node CA only and fetches nothing.
                        OnAuthenticate = (_, ssl) => ssl.CertificateChainPolicy = authority.NodeChainPolicy(),
                        CheckCertificateRevocation = false,
                        SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        HandshakeTimeout = HandshakeTimeout,
                    });
                    listen.Use(gate.Wrap);
                });
            }
        });
        return builder;
    }

    /// <summary>
    /// Keeps the two surfaces apart: a request on a node connection reaches the node API and
    /// nothing else, and the node API is not there for anyone else (both get a plain 404). A
    /// node whose certificate its node no longer accepts gets a 403 saying so, and the
    /// connection is closed after it.
    /// </summary>
    public static IApplicationBuilder UseNodeApiSeparation(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var node = context.Features.Get<NodeConnectionFeature>();
        // Routing ignores case, so this must too: /NODE/v1 is the node API as much as /node/v1.
        var forNodeApi = context.Request.Path.StartsWithSegments(Contracts.NodeApi.NodeApiRoutes.Prefix, StringComparison.OrdinalIgnoreCase);
        if ((node is not null) != forNodeApi)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (node is null)
        {
            await next(context);
            return;
        }

        // Nothing a node sends is large: capabilities, progress, a certificate request.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = MaxNodeRequestBytes;
        }

        if (!node.Accepted)
        {
            // HTTP/2 ignores "Connection: close"; this asks either protocol to close after the answer.
            context.Features.Get<IConnectionLifetimeNotificationFeature>()?.RequestClose();
            await Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Certificate refused",
                detail: $"Node {node.NodeId} is disabled or deleted, or this certificate is no longer its own. "
                    + "Delete the node's identity file and register it again, or ask an admin which it is.")
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    private const long MaxNodeRequestBytes = 256 * 1024;

    // What Kestrel itself makes of a URL: localhost is both loopbacks, an address is that address,
    // and '*', '+' and host names are every address.
    private static void Listen(KestrelServerOptions kestrel, string url, Action<ListenOptions> configure)
    {
        var binding = MasterOptions.Binding(url)!;
        if (binding.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(binding.Port, configure);
        }
        else if (IPAddress.TryParse(binding.Host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, binding.Port, configure);
        }
        else
        {
            kestrel.ListenAnyIP(binding.Port, configure);
        }
    }
}
