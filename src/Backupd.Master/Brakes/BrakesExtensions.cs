using System.Net;
using System.Threading.RateLimiting;
using Backupd.Master.NodeApi;
using Backupd.Master.Options;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Backupd.Master.Brakes;

/// <summary>
/// Registers the limits on the routes anyone can call (ASP.NET Core's rate limiter, one sliding
/// window per address and route) and the lockout of addresses that guess passwords. Limits are
/// kept by each master silo on its own.
/// </summary>
public static partial class BrakesExtensions
{
    /// <summary>Adds the policies of <see cref="BrakePolicies"/> and the <see cref="LoginThrottle"/>.</summary>
    public static IServiceCollection AddBackupdBrakes(this IServiceCollection services, MasterOptions options)
    {
        services.AddSingleton<LoginThrottle>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(BrakePolicies.Login, context => PerAddress(context, options.LoginAttemptsPerMinute, TimeSpan.FromMinutes(1)));
            limiter.AddPolicy(BrakePolicies.Registration, context => PerAddress(context, options.RegistrationsPerHour, TimeSpan.FromHours(1)));
            limiter.AddPolicy(BrakePolicies.RegistrationStatus, context => PerAddress(context, BrakePolicies.RegistrationStatusPerMinute, TimeSpan.FromMinutes(1)));
            limiter.OnRejected = (rejected, _) => RejectAsync(rejected, options);
        });
        return services;
    }

    private static RateLimitPartition<IPAddress> PerAddress(HttpContext context, int permits, TimeSpan window) =>
        RateLimitPartition.GetSlidingWindowLimiter(ClientAddress.Group(context.Connection.RemoteIpAddress), _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            // Six segments: a client that used its allowance gets some back every sixth of the window, not all at its end.
            SegmentsPerWindow = 6,
            QueueLimit = 0,
        });

    private static ValueTask RejectAsync(OnRejectedContext rejected, MasterOptions options)
    {
        var context = rejected.HttpContext;
        var policy = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;
        var (limit, setting) = policy switch
        {
            BrakePolicies.Login => ($"{options.LoginAttemptsPerMinute} per minute", "BACKUPD_LOGIN_ATTEMPTS_PER_MINUTE"),
            BrakePolicies.Registration => ($"{options.RegistrationsPerHour} per hour", "BACKUPD_REGISTRATIONS_PER_HOUR"),
            _ => ($"{BrakePolicies.RegistrationStatusPerMinute} per minute", "a fixed limit"),
        };
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(10);
        var services = context.RequestServices;
        if (services.GetRequiredService<RefusalLog>().ShouldLog())
        {
            LogRefused(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BrakesExtensions).FullName!),
                context.Request.Path, ClientAddress.Display(context.Connection.RemoteIpAddress), limit, setting);
        }

        return new ValueTask(BrakeProblems.WriteAsync(context, retryAfter, "Too many requests",
            seconds => $"This address sent more requests to this route than it takes ({limit}, {setting}). Try again in {seconds} s."));
    }

    [LoggerMessage(LogLevel.Warning, "Refused {Path} from {Address}: more than {Limit} ({Setting})")]
    private static partial void LogRefused(ILogger logger, string path, string address, string limit, string setting);
}
