using Backupd.Scheduling;

namespace Backupd.Tests.Scheduling;

public sealed class RetentionPolicyTests
{
    [Fact]
    public void Any_rule_above_zero_makes_a_policy()
    {
        Assert.True(RetentionPolicy.TryCreate(keepLast: 0, keepDaily: 2, keepWeekly: null, keepMonthly: null, out var policy, out var error));

        Assert.Null(error);
        Assert.Equal(new RetentionPolicy(0, 2, null, null), policy);
    }

    [Theory]
    [InlineData(null, null, null, null)]
    [InlineData(0, 0, 0, 0)]
    [InlineData(0, null, 0, null)]
    public void Policy_that_keeps_nothing_is_refused(int? last, int? daily, int? weekly, int? monthly)
    {
        Assert.False(RetentionPolicy.TryCreate(last, daily, weekly, monthly, out var policy, out var error));

        Assert.Null(policy);
        Assert.Equal(
            "A retention policy must keep something: set at least one of keepLast, keepDaily, keepWeekly or keepMonthly above 0.",
            error);
    }

    [Fact]
    public void Negative_counts_are_each_named()
    {
        Assert.False(RetentionPolicy.TryCreate(3, -1, null, -2, out _, out var error));

        Assert.Equal("'keepDaily' must be 0 or more, not -1. 'keepMonthly' must be 0 or more, not -2.", error);
    }

    [Fact]
    public void Constructor_refuses_with_the_same_message()
    {
        var thrown = Assert.Throws<ArgumentException>(() => new RetentionPolicy(-1, 7, null, null));

        Assert.Equal("'keepLast' must be 0 or more, not -1.", thrown.Message);
    }
}
