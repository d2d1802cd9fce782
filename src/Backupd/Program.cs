using System.CommandLine;
using Backupd;

var modeOption = new Option<string?>("--mode")
{
    Description = "Run as 'master' or 'node'. Otherwise BACKUPD_MODE, otherwise \"mode\" in the config file.",
    HelpName = "master|node",
};
var configOption = new Option<string?>("--config")
{
    Description = "Path of a JSON config file. Otherwise BACKUPD_CONFIG, otherwise /etc/backupd/backupd.json when it exists.",
    HelpName = "PATH",
};

var root = new RootCommand("backupd: centrally managed backups. The master keeps nodes, jobs, schedules and storage; a node backs up its host.")
{
    modeOption,
    configOption,
    SecretsCommand.Create(),
    IndexCommand.Create(),
    BundleCommand.Create(),
};
root.SetAction((parse, cancellation) =>
    BackupdLauncher.RunAsync(ModeResolver.FromProcess(), parse.GetValue(modeOption), parse.GetValue(configOption), cancellation));

// The generic host handles SIGTERM and shuts Orleans down in order; System.CommandLine must not cut that short.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
