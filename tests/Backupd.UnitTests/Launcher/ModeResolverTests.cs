using Backupd;

namespace Backupd.Tests.Launcher;

public sealed class ModeResolverTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backupd-mode-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string MissingDefault => Path.Combine(_dir, "no-such-default.json");

    private ModeResolver Resolver(Dictionary<string, string>? env = null, string? defaultFile = null) =>
        new(env ?? [], defaultFile ?? MissingDefault);

    private string ConfigFile(string json, string name = "backupd.json")
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Mode_option_wins_over_environment_and_config_file()
    {
        var file = ConfigFile("""{ "mode": "node" }""");
        var context = Resolver(new() { ["BACKUPD_MODE"] = "node" }).Resolve("master", file);
        Assert.Equal(BackupdMode.Master, context.Mode);
    }

    [Fact]
    public void Environment_wins_over_config_file()
    {
        var file = ConfigFile("""{ "mode": "master" }""");
        var context = Resolver(new() { ["BACKUPD_MODE"] = "Node" }).Resolve(null, file);
        Assert.Equal(BackupdMode.Node, context.Mode);
    }

    [Fact]
    public void Config_file_from_option_supplies_the_mode()
    {
        var file = ConfigFile("""{ "mode": "node" }""");
        Assert.Equal(BackupdMode.Node, Resolver().Resolve(null, file).Mode);
    }

    [Fact]
    public void Config_file_from_BACKUPD_CONFIG_supplies_the_mode()
    {
        var file = ConfigFile("""{ "mode": "master" }""");
        var context = Resolver(new() { ["BACKUPD_CONFIG"] = file }).Resolve(null, null);
        Assert.Equal(BackupdMode.Master, context.Mode);
        Assert.Equal(file, context.ConfigFile);
    }

    [Fact]
    public void Default_config_file_is_read_when_it_exists()
    {
        var file = ConfigFile("""{ "mode": "node" }""", "default.json");
        Assert.Equal(BackupdMode.Node, Resolver(defaultFile: file).Resolve(null, null).Mode);
    }

    [Fact]
    public void No_mode_anywhere_exits_2_naming_all_three_ways()
    {
        var error = Assert.Throws<StartupError>(() => Resolver().Resolve(null, null));
        Assert.Equal(2, error.ExitCode);
        Assert.Contains("--mode", error.Message);
        Assert.Contains("BACKUPD_MODE", error.Message);
        Assert.Contains("config file", error.Message);
    }

    [Fact]
    public void Config_file_without_mode_is_no_mode()
    {
        var file = ConfigFile("""{ "data_dir": "/tmp/x" }""");
        Assert.Equal(2, Assert.Throws<StartupError>(() => Resolver().Resolve(null, file)).ExitCode);
    }

    [Theory]
    [InlineData("--mode", "slave")]
    [InlineData("env", "mastr")]
    [InlineData("file", "both")]
    public void Unknown_mode_is_refused_naming_its_source(string source, string value)
    {
        var env = new Dictionary<string, string>();
        string? option = null, file = null;
        switch (source)
        {
            case "--mode": option = value; break;
            case "env": env["BACKUPD_MODE"] = value; break;
            default: file = ConfigFile($$"""{ "mode": "{{value}}" }"""); break;
        }

        var error = Assert.Throws<StartupError>(() => Resolver(env).Resolve(option, file));
        Assert.Equal(2, error.ExitCode);
        Assert.Contains($"'{value}'", error.Message);
        Assert.Contains("'master' or 'node'", error.Message);
    }

    [Fact]
    public void Missing_config_file_is_a_clear_error()
    {
        var missing = Path.Combine(_dir, "missing.json");
        var error = Assert.Throws<StartupError>(() => Resolver().Resolve("master", missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains("does not exist", error.Message);
    }

    [Fact]
    public void Malformed_config_file_is_a_clear_error_with_the_line()
    {
        var file = ConfigFile("{\n  \"mode\": \"master\",\n  \"max_io\": \n}");
        var error = Assert.Throws<StartupError>(() => Resolver().Resolve("master", file));
        Assert.Contains("not valid JSON", error.Message);
        Assert.Contains("line 4", error.Message);
    }

    [Fact]
    public void Environment_overrides_the_config_file_setting_by_setting()
    {
        var file = ConfigFile("""{ "mode": "node", "max_io": 3, "max_network": 4 }""");
        var context = Resolver(new() { ["BACKUPD_MAX_IO"] = "5" }).Resolve(null, file);
        Assert.Equal("5", context.Configuration["MAX_IO"]);
        Assert.Equal("4", context.Configuration["MAX_NETWORK"]);
    }
}
