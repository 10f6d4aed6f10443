using System.Net;
using Crowdfund.Infrastructure.Pledges;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Host.Tests;

public sealed class PathStatsTests
{
    [Test]
    public async Task The_pledge_path_totals_count_a_rush_request_by_request_and_row_by_row()
    {
        var slug = await ApiHost.LaunchCampaignAsync("stats");
        using var client = ApiHost.Client();
        var stats = ApiHost.Factory.Services.GetRequiredService<PledgePathStats>();
        var before = stats.Snapshot();

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Http.PostPledgeAsync(client, slug, Http.Pledge(tierId: "standard"), $"stats-{i}")));
        Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.Created));
        // A replay goes through the tier too, but writes no row.
        Assert.That((await Http.PostPledgeAsync(client, slug, Http.Pledge(tierId: "standard"), "stats-0")).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));

        var after = stats.Snapshot();
        Assert.That(after.Requests - before.Requests, Is.EqualTo(41));
        Assert.That(after.Calls - before.Calls, Is.InRange(2, 41), "the replay came alone, after the rush");
        Assert.That(after.CommittedRows - before.CommittedRows, Is.EqualTo(40));
        // A commit may carry several calls; a call of honest rows is never split across commits.
        Assert.That(after.Commits - before.Commits, Is.InRange(1, after.Calls - before.Calls));
        Assert.That(after.CommitSeconds - before.CommitSeconds, Is.GreaterThan(0));
        Assert.That(after.CallSeconds - before.CallSeconds, Is.GreaterThanOrEqualTo(after.CommitSeconds - before.CommitSeconds),
            "each commit runs inside a call");
        Assert.That(after.WaitSeconds - before.WaitSeconds, Is.GreaterThanOrEqualTo(0));
    }
}
