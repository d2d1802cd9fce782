using Backupd.Tests.Processes;

namespace Backupd.Tests.Launcher;

/// <summary>The command line of the real executable.</summary>
public sealed class LauncherProcessTests
{
    private static readonly Dictionary<string, string> NoSettings = [];

    [Fact]
    public async Task No_mode_exits_2_and_names_all_three_ways()
    {
        var (exitCode, output) = await BackupdProcess.RunAsync([], NoSettings);
        Assert.Equal(2, exitCode);
        Assert.Contains("--mode", output);
        Assert.Contains("BACKUPD_MODE", output);
        Assert.Contains("config file", output);
    }

    [Fact]
    public async Task Unknown_mode_exits_2()
    {
        var (exitCode, output) = await BackupdProcess.RunAsync(["--mode", "primary"], NoSettings);
        Assert.Equal(2, exitCode);
        Assert.Contains("Unknown mode 'primary'", output);
    }

    [Theory]
    [InlineData("master")]
    [InlineData("node")]
    public async Task Help_works_in_both_modes(string mode)
    {
        var (exitCode, output) = await BackupdProcess.RunAsync(["--help"], new Dictionary<string, string> { ["BACKUPD_MODE"] = mode });
        Assert.Equal(0, exitCode);
        Assert.Contains("--mode", output);
        Assert.Contains("--config", output);
    }

    [Theory]
    [InlineData("master")]
    [InlineData("node")]
    public async Task Version_works_in_both_modes(string mode)
    {
        var (exitCode, output) = await BackupdProcess.RunAsync(["--mode", mode, "--version"], NoSettings);
        Assert.Equal(0, exitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    public async Task Bad_BACKUPD_MAX_IO_stops_the_node_naming_the_variable(string value)
    {
        var (exitCode, output) = await BackupdProcess.RunAsync(["--mode", "node"], new Dictionary<string, string>
        {
            ["BACKUPD_MAX_IO"] = value,
            ["BACKUPD_MASTER_URL"] = "http://127.0.0.1:1",
        });
        Assert.Equal(78, exitCode);
        Assert.Contains("BACKUPD_MAX_IO", output);
    }

    [Fact]
    public async Task Bad_master_port_stops_the_master_naming_the_variable()
    {
        var (exitCode, output) = await BackupdProcess.RunAsync(["--mode", "master"], new Dictionary<string, string>
        {
            ["BACKUPD_SILO_PORT"] = "0",
        });
        Assert.Equal(78, exitCode);
        Assert.Contains("BACKUPD_SILO_PORT", output);
    }

    [Fact]
    public async Task Config_file_supplies_mode_and_settings()
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, """{ "mode": "node", "master_url": "http://127.0.0.1:1", "max_network": 0 }""");
            var (exitCode, output) = await BackupdProcess.RunAsync(["--config", file], NoSettings);
            Assert.Equal(78, exitCode);
            Assert.Contains("BACKUPD_MAX_NETWORK (\"max_network\" in the config file)", output);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
