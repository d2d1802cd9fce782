using Backupd.Hosting;
using Backupd.Master.Options;
using Backupd.Node.Options;
using Microsoft.Extensions.Configuration;

namespace Backupd.Tests.Hosting;

public sealed class SettingsBinderTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    private static readonly (string, string) MasterUrl = ("MASTER_URL", "http://127.0.0.1:5080");

    [Fact]
    public void Node_defaults_match_the_documented_resource_limits()
    {
        var options = SettingsBinder.BindValidated<NodeOptions>(Config(MasterUrl));
        Assert.Equal(2, options.MaxIo);
        Assert.Equal(2, options.MaxNetwork);
        Assert.Equal(0, options.MaxBandwidthMbps);
        Assert.Equal(new Uri("http://127.0.0.1:5080"), options.MasterUrl);
    }

    [Theory]
    [InlineData("MAX_IO", "abc", "BACKUPD_MAX_IO", "not a whole number")]
    [InlineData("MAX_IO", "0", "BACKUPD_MAX_IO", "from 1 to 64")]
    [InlineData("MAX_NETWORK", "-1", "BACKUPD_MAX_NETWORK", "from 1 to 64")]
    [InlineData("MAX_BANDWIDTH_MBPS", "fast", "BACKUPD_MAX_BANDWIDTH_MBPS", "not a number")]
    [InlineData("MAX_BANDWIDTH_MBPS", "-5", "BACKUPD_MAX_BANDWIDTH_MBPS", "megabits")]
    [InlineData("S3_PART_SIZE_MIB", "4", "BACKUPD_S3_PART_SIZE_MIB", "S3 minimum")]
    [InlineData("MAX_JOBS", "0", "BACKUPD_MAX_JOBS", "from 1 to 64")]
    [InlineData("MAX_CPU", "-1", "BACKUPD_MAX_CPU", "one per core")]
    [InlineData("MASTER_URL", "not a url", "BACKUPD_MASTER_URL", "absolute URL")]
    [InlineData("MASTER_URL", "ftp://example", "BACKUPD_MASTER_URL", "http://")]
    public void Bad_node_value_names_the_variable(string key, string value, string variable, string hint)
    {
        var config = key == "MASTER_URL" ? Config((key, value)) : Config(MasterUrl, (key, value));
        var error = Assert.Throws<InvalidSettingsException>(() => SettingsBinder.BindValidated<NodeOptions>(config));
        var line = Assert.Single(error.Errors);
        Assert.StartsWith(variable + " ", line);
        Assert.Contains(hint, line);
    }

    [Fact]
    public void Every_wrong_setting_is_reported_at_once()
    {
        var error = Assert.Throws<InvalidSettingsException>(() =>
            SettingsBinder.BindValidated<NodeOptions>(Config(("MAX_IO", "x"), ("MAX_NETWORK", "0"))));
        Assert.Equal(3, error.Errors.Count);
        Assert.Contains(error.Errors, e => e.StartsWith("BACKUPD_MASTER_URL", StringComparison.Ordinal));
    }

    [Fact]
    public void Master_defaults_listen_on_loopback_5080()
    {
        var options = SettingsBinder.BindValidated<MasterOptions>(Config());
        Assert.Equal("http://127.0.0.1:5080", options.Urls);
        Assert.Equal("https://127.0.0.1:5443", options.NodeUrls);
        Assert.Equal("backupd", options.ServiceId);
        Assert.EndsWith("backupd", options.DataDir);
    }

    [Theory]
    [InlineData("SILO_PORT", "70000", "BACKUPD_SILO_PORT")]
    [InlineData("URLS", "127.0.0.1:5080", "BACKUPD_URLS")]
    [InlineData("URLS", "https://127.0.0.1:5080", "BACKUPD_URLS")]
    [InlineData("NODE_URLS", "http://127.0.0.1:5443", "BACKUPD_NODE_URLS")]
    [InlineData("NODE_URLS", "https://0.0.0.0:5443", "BACKUPD_NODE_API_URL")]
    [InlineData("NODE_URLS", "https://backups.example.com:5443", "BACKUPD_NODE_API_URL")]
    [InlineData("NODE_API_URL", "http://backups.example.com:5443", "BACKUPD_NODE_API_URL")]
    [InlineData("NODE_CERTIFICATE_LIFETIME", "00:10:00", "BACKUPD_NODE_CERTIFICATE_LIFETIME")]
    [InlineData("SERVICE_ID", "has space", "BACKUPD_SERVICE_ID")]
    [InlineData("JOB_LEASE", "00:00:01", "BACKUPD_JOB_LEASE")]
    [InlineData("JOB_LEASE", "soon", "BACKUPD_JOB_LEASE")]
    [InlineData("PROVIDER_REFUSED_NETWORKS", "169.254.0.0/16,metadata", "BACKUPD_PROVIDER_REFUSED_NETWORKS")]
    [InlineData("LOGIN_ATTEMPTS_PER_MINUTE", "0", "BACKUPD_LOGIN_ATTEMPTS_PER_MINUTE")]
    [InlineData("SCHEDULE_MIN_INTERVAL", "00:00:00", "BACKUPD_SCHEDULE_MIN_INTERVAL")]
    public void Bad_master_value_names_the_variable(string key, string value, string variable)
    {
        var error = Assert.Throws<InvalidSettingsException>(() => SettingsBinder.BindValidated<MasterOptions>(Config((key, value))));
        Assert.StartsWith(variable + " ", Assert.Single(error.Errors));
    }

    [Fact]
    public void Short_admin_password_is_refused_without_echoing_it()
    {
        var error = Assert.Throws<InvalidSettingsException>(() =>
            SettingsBinder.BindValidated<MasterOptions>(Config(("ADMIN_PASSWORD", "hunter2"))));
        var line = Assert.Single(error.Errors);
        Assert.StartsWith("BACKUPD_ADMIN_PASSWORD", line);
        Assert.DoesNotContain("hunter2", error.Message);
    }

    [Fact]
    public void Config_file_keys_are_the_lower_case_names()
    {
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream("""{ "max_io": 7, "master_url": "http://127.0.0.1:5081" }"""u8.ToArray())).Build();
        var options = SettingsBinder.BindValidated<NodeOptions>(config);
        Assert.Equal(7, options.MaxIo);
    }
}
