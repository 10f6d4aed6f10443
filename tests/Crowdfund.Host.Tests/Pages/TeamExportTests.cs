using System.Net;
using System.Text.RegularExpressions;
using Crowdfund.Host.Pages;
using Crowdfund.Infrastructure.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace Crowdfund.Host.Tests.Pages;

/// <summary>The team's exports and the appetite counters, over HTTP with the team's cookie as a browser holds it.</summary>
[TestFixture]
public sealed partial class TeamExportTests
{
    [Test]
    public async Task Pledges_and_backers_export_per_country_as_CSV_to_the_signed_in_team_only()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pg-csv");
        using var backer = ApiHost.Client();
        var de = await Http.PostPledgeAsync(backer, slug, Http.Pledge("standard", "DE", 1, "10117", "hilde@example.com"));
        var fr = await Http.PostPledgeAsync(backer, slug, Http.Pledge("standard", "FR", 1, "75002", "ada@example.com"));
        Assert.That((int)de.StatusCode + (int)fr.StatusCode, Is.EqualTo(402));

        using var team = await SignedInAsync();
        var pledges = await team.GetAsync($"/team/c/{slug}/pledges.csv?country=DE");
        var csv = await pledges.Content.ReadAsStringAsync();
        Assert.That(pledges.StatusCode, Is.EqualTo(HttpStatusCode.OK), csv);
        Assert.That(pledges.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var lines = csv.Split("\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Does.StartWith("pledge_id,country,tier,quantity,units,status,currency,subtotal,shipping,tax,total,name,email"));
        Assert.That(lines, Has.Length.EqualTo(2), "one German pledge, no French one");
        Assert.That(lines[1], Does.Contain(",DE,standard,1,1,Reserved,EUR,9900,900,1724,10800,Ada Lovelace,hilde@example.com,"));

        var backers = await (await team.GetAsync($"/team/c/{slug}/backers.csv")).Content.ReadAsStringAsync();
        Assert.That(backers.Split("\n", StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3), backers);
        Assert.That(backers, Does.Contain("DE,hilde@example.com,Ada Lovelace,de-DE,1,0,").And.Contain("FR,ada@example.com,"));
        Assert.That((await team.GetAsync($"/team/c/{slug}/pledges.csv?country=Germany")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Appetite_counts_page_views_and_reservations_per_country_without_a_cookie()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pg-views");
        using var visitor = ApiHost.Client();
        for (var i = 0; i < 3; i++)
        {
            var page = await visitor.GetAsync($"/c/{slug}?country=ES");
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(page.Headers.Contains("Set-Cookie"), Is.False, "no cookie on the campaign page");
        }
        await Http.PostPledgeAsync(visitor, slug, Http.Pledge("standard", "ES", 1, "28001"));
        await ApiHost.Factory.Services.GetRequiredService<PageViews>().FlushAsync();

        var (appetite, _) = await ApiHost.Factory.Services.GetRequiredService<PagesStore>().ReadAppetiteAsync(slug);
        Assert.That(appetite, Is.EqualTo(new[] { new CountryAppetite("ES", 3, 1, 0, 0, 0) }));
    }

    /// <summary>An HTTP client signed in through the sign-in form, with its anti-forgery token, keeping cookies as a browser does.</summary>
    private static async Task<HttpClient> SignedInAsync()
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = ApiHost.BaseAddress };
        var form = await client.GetStringAsync("/team/sign-in");
        var token = WebUtility.HtmlDecode(AntiforgeryField().Match(form).Groups[1].Value);
        var signedIn = await client.PostAsync("/team/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__form"] = token, ["key"] = ApiHost.TeamKey, ["returnUrl"] = "/team",
        }));
        Assert.That(signedIn.StatusCode, Is.EqualTo(HttpStatusCode.OK), "signed in and shown the campaigns");
        return client;
    }

    [GeneratedRegex("name=\"__form\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
