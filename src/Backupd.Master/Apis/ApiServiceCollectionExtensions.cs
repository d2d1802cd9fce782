using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Backupd.Master.Apis;

/// <summary>How the REST API reads and writes its bodies.</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Enums as camel-case strings, client text without control characters, problem details for every error, and clear 400s for unreadable bodies.</summary>
    public static IServiceCollection AddBackupdApi(this IServiceCollection services)
    {
        services.Configure<JsonOptions>(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
            json.SerializerOptions.Converters.Add(new ClientTextConverter());
        });
        services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddOpenApi();
        return services;
    }
}
