using Backupd.Contracts.Jobs;
using Backupd.Contracts.Nodes;
using Backupd.Dashboard.Components.Account;
using Backupd.Dashboard.Components.Shared;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Backupd.Tests.Dashboard;

/// <summary>The components that decide what to say, rendered with bUnit.</summary>
public sealed class DashboardComponentTests
{
    // Disposed asynchronously: MudBlazor's services only dispose that way.
    private static BunitContext NewContext()
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        return context;
    }

    [Fact]
    public async Task A_running_job_asked_to_stop_reads_cancelling_until_it_has()
    {
        await using var bunit = NewContext();
        var chip = bunit.Render<JobStateChip>(p => p.Add(c => c.State, JobState.Running).Add(c => c.CancelRequested, true));

        Assert.Equal("cancelling", chip.Find("[data-state]").TextContent.Trim());
        Assert.Equal("running", chip.Find("[data-state]").GetAttribute("data-state"));
    }

    [Theory]
    [InlineData(NodeStatus.Active, true, "online")]
    [InlineData(NodeStatus.Active, false, "offline")]
    [InlineData(NodeStatus.Pending, false, "waiting for approval")]
    [InlineData(NodeStatus.Disabled, false, "disabled")]
    [InlineData(NodeStatus.Expired, false, "code expired")]
    public async Task A_node_reads_as_what_an_admin_can_do_about_it(NodeStatus status, bool online, string words)
    {
        await using var bunit = NewContext();
        var node = new NodeSummary("n1", "web-1", status, "10.0.0.5", DateTimeOffset.UnixEpoch, null, null, online, null);

        var chip = bunit.Render<NodeStatusChip>(p => p.Add(c => c.Node, node));

        Assert.Equal(words, chip.Find(".mud-chip").TextContent.Trim());
    }

    [Theory]
    [InlineData("/signin?refused=WrongCredentials", "do not match an administrator", "alert")]
    [InlineData("/signin?refused=LockedOut&retryAfter=120", "locked out. Try again in 120 s", "alert")]
    [InlineData("/signin?refused=empty", "Password: type the admin password.", "alert")]
    [InlineData("/signin?refused=expired", "Your session ended", "status")]
    [InlineData("/signin?signedOut=1", "You are signed out.", "status")]
    public async Task The_sign_in_page_says_why_in_the_apis_words(string url, string words, string role)
    {
        await using var bunit = NewContext();
        bunit.Services.GetRequiredService<NavigationManager>().NavigateTo(url);

        var page = bunit.Render<SignIn>();

        var message = page.Find("#signin-message");
        Assert.Contains(words, message.TextContent, StringComparison.Ordinal);
        Assert.Equal(role, message.GetAttribute("role"));
        Assert.Equal(role == "alert" ? "true" : "false", page.Find("#password").GetAttribute("aria-invalid"));
    }

    [Fact]
    public async Task The_sign_in_page_posts_the_password_and_where_to_go_back_to()
    {
        await using var bunit = NewContext();
        bunit.Services.GetRequiredService<NavigationManager>().NavigateTo("/signin?returnUrl=%2Fjobs");

        var page = bunit.Render<SignIn>();

        var form = page.Find("form");
        Assert.Equal("post", form.GetAttribute("method"));
        Assert.Equal("/auth/signin", form.GetAttribute("action"));
        Assert.Equal("/jobs", page.Find("input[name=returnUrl]").GetAttribute("value"));
        Assert.Empty(page.FindAll("#signin-message"));
    }
}
