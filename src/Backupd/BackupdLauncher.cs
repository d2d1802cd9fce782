using Backupd.Dashboard;
using Backupd.Hosting;
using Backupd.Master;
using Backupd.Node;

namespace Backupd;

/// <summary>Starts the resolved mode and turns start-up problems into one clear message and an exit code.</summary>
internal static class BackupdLauncher
{
    public static async Task<int> RunAsync(ModeResolver resolver, string? modeOption, string? configOption, CancellationToken cancellation)
    {
        try
        {
            var context = resolver.Resolve(modeOption, configOption);
            return context.Mode switch
            {
                BackupdMode.Master => await MasterHost.RunAsync(context.Configuration, cancellation, [new DashboardWebPart()]),
                BackupdMode.Node => await NodeHost.RunAsync(context.Configuration, cancellation),
                _ => throw new InvalidOperationException($"Mode {context.Mode} has no host."),
            };
        }
        catch (StartupError error)
        {
            await Console.Error.WriteLineAsync("backupd: " + error.Message);
            return error.ExitCode;
        }
        catch (InvalidSettingsException error)
        {
            await Console.Error.WriteLineAsync("backupd: " + error.Message);
            return StartupError.ConfigurationExitCode;
        }
        catch (StartupFailedException error)
        {
            await Console.Error.WriteLineAsync("backupd: " + error.Message);
            return StartupError.FailureExitCode;
        }
    }
}
