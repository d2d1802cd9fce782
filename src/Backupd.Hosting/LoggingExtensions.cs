using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Backupd.Hosting;

/// <summary>Console logging shared by both modes' hosts: one line per event, UTC timestamps, control characters escaped.</summary>
public static class LoggingExtensions
{
    /// <summary>Replaces the default providers with a single-line console logger.</summary>
    public static IHostApplicationBuilder AddBackupdLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(console => console.FormatterName = BackupdConsoleFormatter.FormatterName);
        builder.Logging.AddConsoleFormatter<BackupdConsoleFormatter, ConsoleFormatterOptions>();
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // One line per request and handler is noise; failures surface as exceptions we log ourselves.
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        // Orleans' placement retries log every grain call through Polly at Information.
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        // Data-protection keys live in the 0700 data dir; the "unencrypted at rest" warning says nothing new.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        return builder;
    }
}
