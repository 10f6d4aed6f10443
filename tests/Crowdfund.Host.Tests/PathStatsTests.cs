using System.Net;
using System.Text.Json;

namespace Crowdfund.Host.Tests;

public sealed class PathStatsTests
{
    [Test]
    public async Task The_pledge_path_totals_count_a_rush_request_by_request_and_row_by_row()
    {
        var slug = await ApiHost.LaunchCampaignAsync("stats");
        using var client = ApiHost.Client();
        var before = await StatsAsync(client);

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Http.PostPledgeAsync(client, slug, Http.Pledge(tierId: "standard"), $"stats-{i}")));
        Assert.That(answers.Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.Created));
        // A replay goes through the tier too, but writes no row.
        Assert.That((await Http.PostPledgeAsync(client, slug, Http.Pledge(tierId: "standard"), "stats-0")).StatusCode,
            Is.EqualTo(HttpStatusCode.Created));

        var after = await StatsAsync(client);
        long Delta(string name) => after.GetProperty(name).GetInt64() - before.GetProperty(name).GetInt64();
        double Seconds(string name) => after.GetProperty(name).GetDouble() - before.GetProperty(name).GetDouble();
        Assert.That(Delta("requests"), Is.EqualTo(41));
        Assert.That(Delta("calls"), Is.InRange(2, 41), "the replay came alone, after the rush");
        Assert.That(Delta("committedRows"), Is.EqualTo(40));
        // A call's rows are never split across commits, and a commit may carry several calls.
        Assert.That(Delta("commits"), Is.InRange(1, Delta("calls")));
        Assert.That(Seconds("commitSeconds"), Is.GreaterThan(0));
        Assert.That(Seconds("callSeconds"), Is.GreaterThanOrEqualTo(Seconds("commitSeconds")), "each commit runs inside a call");
        Assert.That(Seconds("waitSeconds"), Is.GreaterThanOrEqualTo(0));
    }

    private static async Task<JsonElement> StatsAsync(HttpClient client)
    {
        var response = await client.GetAsync("/bench/stats");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await Http.JsonAsync(response);
    }
}
