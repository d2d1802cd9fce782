using System.Text.Json;
using Backupd.Contracts.Jobs;
using Backupd.Grains.Jobs;
using Backupd.Modules.WordPress.Restore;

namespace Backupd.Tests.Modules.Restore;

/// <summary>
/// A site's URL replaced in database values as PHP writes them: serialized values stay valid
/// (byte lengths written anew, nested and twice-serialized ones too), JSON-escaped and URL-encoded
/// forms change, a longer host that merely starts like the old one does not.
/// </summary>
public sealed class SerializedReplacerTests
{
    private readonly SerializedReplacer _replacer = SerializedReplacer.ForUrls("http://old.test", "https://new.example/blog");

    [Theory]
    [InlineData("http://old.test/about", "https://new.example/blog/about")]
    [InlineData("see http://old.test and http://old.test/x.", "see https://new.example/blog and https://new.example/blog/x.")]
    [InlineData("{\"u\":\"http:\\/\\/old.test\\/a\"}", "{\"u\":\"https:\\/\\/new.example\\/blog\\/a\"}")]
    [InlineData("http%3A%2F%2Fold.test%2Fb", "https%3A%2F%2Fnew.example%2Fblog%2Fb")]
    [InlineData("<img src=\"//old.test/i.png\">", "<img src=\"//new.example/blog/i.png\">")]
    [InlineData("https://old.test/secure", "https://new.example/blog/secure")]
    public void Every_form_of_the_url_is_replaced(string value, string expected) => Assert.Equal(expected, _replacer.Replace(value));

    [Theory]
    [InlineData("http://old.test.staging.example/x")]
    [InlineData("http://old.testing/")]
    [InlineData("nothing here")]
    public void A_longer_host_or_no_match_is_left_alone(string value) => Assert.Null(_replacer.Replace(value));

    [Fact]
    public void Serialized_strings_get_their_new_byte_lengths_in_nested_arrays_objects_and_twice_serialized_values()
    {
        static string Php(string url, string sub) =>
            $"a:3:{{{S("home")}{S(url + "/shop")}{S("nested")}O:8:\"stdClass\":1:{{{S("logo")}{S(url + "/logo.png")}}}{S("twice")}{S($"a:1:{{{S("u")}{S(sub)}}}")}}}";

        var replaced = _replacer.Replace(Php("http://old.test", "http://old.test/ü"));

        Assert.Equal(Php("https://new.example/blog", "https://new.example/blog/ü"), replaced);
    }

    // A PHP-serialized string: its length in UTF-8 bytes, as PHP counts it.
    private static string S(string value) => $"s:{System.Text.Encoding.UTF8.GetByteCount(value)}:\"{value}\";";

    [Fact]
    public void A_value_that_only_looks_serialized_is_replaced_as_text_and_keys_stay_as_they_are()
    {
        Assert.Equal("s:99:\"https://new.example/blog\";", _replacer.Replace("s:99:\"http://old.test\";"));
        Assert.Equal("a:1:{s:15:\"http://old.test\";s:24:\"https://new.example/blog\";}", _replacer.Replace("a:1:{s:15:\"http://old.test\";s:15:\"http://old.test\";}"));
    }

    [Fact]
    public void A_schedules_test_restore_job_has_a_config_the_restore_module_accepts()
    {
        var backup = new JobDetails("0193b", "node-1", "wordpress", "{\"path\":\"/srv/www/shop\"}", "prov", 5, JobState.Completed, DateTimeOffset.UtcNow, null, null, 1, 2, false, [], [],
            new JobResult("p/node-1/wordpress/shop/x.tar.zst", 1234, new string('a', 64)), null, "sched");

        var spec = TestRestoreJobs.For(backup, "node-1", 5);

        Assert.Empty(new WordPressRestoreModule().ValidateConfig(JsonDocument.Parse(spec.ConfigJson).RootElement));
        Assert.Null(spec.ScheduleId);

        // With the database settings of the schedule's backups, which the scratch copy then uses.
        var withDb = TestRestoreJobs.For(backup, "node-1", 5, db: System.Text.Json.Nodes.JsonNode.Parse("{\"user\":\"shop\",\"password\":\"s3cret\"}"));
        var config = JsonSerializer.Deserialize<WordPressRestoreConfig>(withDb.ConfigJson, JsonSerializerOptions.Web)!;
        Assert.Empty(new WordPressRestoreModule().ValidateConfig(JsonDocument.Parse(withDb.ConfigJson).RootElement));
        Assert.Equal(("shop", "s3cret"), (config.Db!.User, config.Db.Password));
    }
}
