using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Backupd.Hosting;

/// <summary>Registers validated backupd settings with the Options pattern.</summary>
public static class SettingsHostBuilderExtensions
{
    /// <summary>
    /// Binds and validates <typeparamref name="T"/> now (so a wrong value stops start-up before
    /// anything else runs) and registers it as <c>IOptions&lt;T&gt;</c>.
    /// </summary>
    /// <returns>The validated settings, for composition code that needs them while building the host.</returns>
    public static T AddBackupdSettings<T>(this IHostApplicationBuilder builder) where T : class, new()
    {
        var settings = SettingsBinder.BindValidated<T>(builder.Configuration);
        IConfiguration configuration = builder.Configuration;
        builder.Services.AddOptions<T>().Configure(o => SettingsBinder.Bind(configuration, o));
        return settings;
    }
}
