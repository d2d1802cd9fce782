using System.Net;
using System.Security.Authentication;
using Backupd.Grains.Nodes;
using Backupd.Master.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
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
        builder.Services.AddSingleton<RefusalLog>();

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var services = kestrel.ApplicationServices;
            var authority = services.GetRequiredService<NodeCertificateAuthority>();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(NodeApiHostingExtensions).FullName!);
            var refusals = services.GetRequiredService<RefusalLog>();
            var perAddress = new ConnectionsPerAddress(options.NodeMaxConnectionsPerAddress, refusals, logger);
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
        var forNodeApi = context.Request.Path.StartsWithSegments(Contracts.NodeApi.NodeApiRoutes.Prefix, StringComparison.Ordinal);
        if ((node is not null) != forNodeApi)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (node is { Accepted: false })
        {
            context.Response.Headers.Connection = "close";
            await Results.Problem(
                statusCode: StatusCodes.Status403Forbidden,
                title: "Certificate refused",
                detail: $"Node {node.NodeId} is disabled or deleted, or this certificate is no longer its own. Ask an admin to re-enable the node, or delete the node's identity file and register it again.")
                .ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    // What Kestrel itself makes of a URL: localhost is both loopbacks, an address is that address,
    // and '*', '+' and host names are every address.
    private static void Listen(KestrelServerOptions kestrel, string url, Action<ListenOptions> configure)
    {
        var binding = MasterOptions.Binding(url)!;
        if (binding.Host == "localhost")
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
