using System.Net.Http.Json;
using Crowdfund.Grains;
using Crowdfund.Host.Tests.Partners;
using Crowdfund.Testing;

namespace Crowdfund.Host.Tests.Pages;

/// <summary>
/// The team's dashboard after the campaign's end, in a real browser on a host of its own (<see cref="MoneyHost"/>):
/// the collection run with its failures and dropped pledges, the collected pledges in the appetite by country, and
/// the batches to the manufacturer per country, each arriving without a reload.
/// </summary>
public sealed class DashboardAfterEndTests : MoneyHostFixture
{
    [Test]
    public async Task Dashboard_follows_the_collection_run_dropped_pledges_and_the_batches_per_country()
    {
        await using var receiver = await PartnerReceiver.StartAsync();
        using var team = Money.Team();
        var slug = await Money.LaunchAsync("pg-after", goalUnits: 1);
        receiver.Secret = (await TestPartners.RegisterAsync(team, "factory", receiver.Url, slug)).SigningSecret;
        var paid = await Money.PledgeAsync(slug, "FR");
        var unpaid = await Money.PledgeAsync(slug, "DE", card: "pm_card_chargeCustomerFail");
        await Money.EndAsync(slug);
        await Money.StatusAsync(unpaid, "PaymentFailed");
        await Money.CollectionAsync(slug, "Running");

        using var browser = Browser.Start(width: 1400, height: 2400, baseAddress: Money.BaseAddress);
        browser.SignIn(ApiHost.TeamKey, $"/team/c/{slug}");
        string Figure(string name) => browser.Read($"#collection [data-figure={name}]");
        Assert.That(browser.Attribute("#collection-state", "data-status"), Is.EqualTo("Running"));
        Assert.That((Figure("charged"), Figure("failed"), Figure("action-required"), Figure("remaining"), Figure("dropped")),
            Is.EqualTo(("1", "1", "0", "0", "0")));
        Assert.That(browser.Read("#collection"), Does.Contain("charges/s").And.Contain("Estimated end"));
        // Appetite by country counts the collected pledge, with the conversion from a saved card.
        Assert.That(browser.Read("#appetite"), Does.Contain("FR 0 1 1 1 — 100 % 100 % 0 %").And.Contain("DE 0 1 1 0 — 100 % 0 % 0 %"));
        Assert.That(browser.Read("#pipeline"), Does.Contain("Orders not frozen yet: the team has not set the address lock."));
        browser.Until(_ => browser.Attribute("#dashboard", "data-live") == "open", TimeSpan.FromSeconds(30), "the live feed");
        browser.Driver.ExecuteScript("window.notReloaded = true;");

        // The fix window passes: the unpaid pledge is dropped, and the run finishes.
        Money.Clock.Advance(TimeSpan.FromDays(8));
        await Money.Grains.GetGrain<ICollectionGrain>(slug).WakeAsync();
        await Money.CollectionAsync(slug);
        browser.Until(_ => Figure("dropped") == "1" && browser.Attribute("#collection-state", "data-status") == "Finished",
            TimeSpan.FromSeconds(30), "the dropped pledge and the finished run, live");
        Assert.That(browser.Read("#collection"), Does.Contain("DE EUR 0 €0.00 €0.00 1"), "Germany's dropped unit");

        // The addresses lock; the orders are frozen into batches and pushed to the partner.
        var locked = await team.PutAsJsonAsync($"/team/v1/campaigns/{slug}/fulfilment/address-lock", new { at = Money.Clock.GetUtcNow().AddDays(1) });
        Assert.That(locked.IsSuccessStatusCode, await locked.Content.ReadAsStringAsync());
        Money.Clock.Advance(TimeSpan.FromDays(2));
        browser.Until(_ => browser.Read("#pipeline").Contains("FR 1 1 1", StringComparison.Ordinal), TimeSpan.FromSeconds(60),
            "France's order batched and delivered to the partner, live");
        browser.Screenshot("team-dashboard-after-end");
        Assert.That(browser.Read("#pipeline-waiting"), Does.StartWith("Orders frozen"));
        Assert.That(browser.Read("#pipeline"), Does.Not.Contain("no longer collected"));

        // Refunded in full after the freeze: the partner has the order, and the team is shown it, live.
        Assert.That((await MoneyHost.RefundAsync(team, paid, "dashboard-refund", null)).IsSuccessStatusCode);
        browser.Until(_ => browser.Read("#pipeline").Contains("no longer collected", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            "the refunded order listed for the team, live");
        Assert.That(browser.Read("#pipeline"), Does.Contain($"{slug}-fr-0001 Refunded no"));
        Assert.That(browser.Driver.ExecuteScript("return window.notReloaded === true;"), Is.True, "the page was not reloaded");
    }
}
