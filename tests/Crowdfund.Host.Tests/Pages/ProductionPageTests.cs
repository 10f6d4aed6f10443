using System.Net;
using System.Net.Http.Json;
using Crowdfund.Host.Tests.Partners;

namespace Crowdfund.Host.Tests.Pages;

/// <summary>
/// What the factory reports, on the pages, in a real browser on a host of its own (<see cref="MoneyHost"/>): the stages
/// posted so far on the campaign page, and on the backer's page the production timeline and the order with its
/// shipment's tracking number.
/// </summary>
public sealed class ProductionPageTests : MoneyHostFixture
{
    [Test]
    public async Task Campaign_page_shows_the_stages_posted_so_far_in_the_backers_language()
    {
        var slug = await Money.LaunchAsync("pg-stages", goalUnits: 1);
        using var team = Money.Team();
        var partner = await TestPartners.RegisterAsync(team, "factory", "https://factory.example/hooks", slug);
        using var factory = partner.Client(Money.BaseAddress);
        await PostStageAsync(factory, slug, new { stage = "mass-production", date = "2026-03-02", note = "Linie 2 läuft." });
        await PostStageAsync(factory, slug, new { stage = "tooling", date = "2026-01-10" });

        using var browser = Browser.Start("de-DE,de", baseAddress: Money.BaseAddress);
        browser.Open($"/c/{slug}");
        browser.Screenshot("campaign-stages");
        var stages = browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector(".stages .timeline li"));
        Assert.That(stages.Select(s => s.GetAttribute("data-stage")), Is.EqualTo(new[] { "tooling", "mass-production" }), "in date order");
        Assert.That(Browser.Plain(stages[1].Text), Does.Contain("Serienfertigung — Montag, 2. März 2026").And.Contain("Linie 2 läuft."));
    }

    [Test]
    public async Task Backers_page_shows_the_production_timeline_and_the_order_with_its_tracking_number()
    {
        var slug = await Money.LaunchAsync("pg-track", goalUnits: 1);
        var backer = await Money.PledgeAsync(slug, "FR");
        await Money.EndAsync(slug);
        await Money.CollectionAsync(slug);
        using var team = Money.Team();
        var partner = await TestPartners.RegisterAsync(team, "factory", "https://factory.example/hooks", slug);
        await Money.FreezeNowAsync(slug);
        var reference = (await Money.PledgeViewAsync(backer)).GetProperty("order").GetProperty("reference").GetString()!;
        using var factory = partner.Client(Money.BaseAddress);
        await PostStageAsync(factory, slug, new { stage = "tooling", date = "2026-01-10" });
        await PostStageAsync(factory, slug, new { stage = "left-factory", date = "2026-03-30" });
        var shipped = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/shipments",
            new { orderReference = reference, carrier = "UPS", trackingNumber = "1Z999AA10123456784", shippedAt = "2026-04-01" });
        Assert.That(shipped.StatusCode, Is.EqualTo(HttpStatusCode.Created), await shipped.Content.ReadAsStringAsync());

        using var browser = Browser.Start("fr-FR,fr", baseAddress: Money.BaseAddress);
        browser.Open($"/pledges/{backer.Id}?token={Uri.EscapeDataString(backer.Token)}");
        browser.Screenshot("pledge-shipped");
        Assert.That(browser.Text("#status"), Is.EqualTo("Payée"));
        Assert.That(browser.Text("#order-title"), Is.EqualTo($"Votre commande {reference}"));
        Assert.That(browser.Text("#tracking-number"), Is.EqualTo("1Z999AA10123456784"));
        Assert.That(browser.Text("#shipment"), Does.StartWith("Expédiée le").And.Contain("par UPS. Numéro de suivi : 1Z999AA10123456784"));
        var stages = browser.Driver.FindElements(OpenQA.Selenium.By.CssSelector(".stages .timeline li"));
        Assert.That(stages.Select(s => s.GetAttribute("data-stage")), Is.EqualTo(new[] { "tooling", "left-factory" }));
        Assert.That(Browser.Plain(stages[1].Text), Does.StartWith("Sorti de l'usine — lundi 30 mars 2026"));
    }

    private static async Task PostStageAsync(HttpClient factory, string slug, object stage)
    {
        var posted = await factory.PostAsJsonAsync($"/partner/v1/campaigns/{slug}/stages", stage);
        Assert.That(posted.StatusCode, Is.EqualTo(HttpStatusCode.Created), await posted.Content.ReadAsStringAsync());
    }
}
