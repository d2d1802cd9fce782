using Backupd.Scheduling;

namespace Backupd.Tests.Scheduling;

public sealed class CronReadingTests
{
    [Theory]
    [InlineData("30 2 * * *", "At 02:30, every day")]
    [InlineData("0 3 * * 1-5", "At 03:00, on Monday to Friday")]
    [InlineData("0 3 * * MON,WED,FRI", "At 03:00, on Monday, Wednesday and Friday")]
    [InlineData("15 0,12 * * *", "At 00:15 and 12:15, every day")]
    [InlineData("*/15 * * * *", "Every 15 minutes, every day")]
    [InlineData("0 * * * *", "Every hour, on the hour, every day")]
    [InlineData("5 */6 * * *", "Every 6 hours at minute 5, every day")]
    [InlineData("0 4 1 * *", "At 04:00, on day 1 of the month")]
    [InlineData("0 4 1,15 1,7 *", "At 04:00, on day 1 and 15 of the month, in January and July")]
    [InlineData("0 22 * * 0", "At 22:00, on Sunday")]
    [InlineData("30 0 3 * * *", "At 03:00 at second 30, every day")]
    public void Reads_the_shapes_schedules_use_in_plain_words(string cron, string words)
    {
        Assert.True(CronSchedule.TryParse(cron, null, out _, out var error), error);

        Assert.Equal(words, CronReading.Describe(cron));
    }

    [Fact]
    public void Says_what_it_cannot_read_as_written_rather_than_guess()
    {
        Assert.Equal("At minute 0 past hour 8-18/2, every day", CronReading.Describe("0 8-18/2 * * *"));
    }
}
