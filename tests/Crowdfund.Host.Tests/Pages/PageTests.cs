using System.Net;
using OpenQA.Selenium;

namespace Crowdfund.Host.Tests.Pages;

/// <summary>The pages in a real browser: headless Chromium on the test host, each test with a screenshot.</summary>
[TestFixture]
public sealed class PageTests
{
    [Test]
    public async Task Backer_in_Germany_sees_euros_German_text_and_German_VAT()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pg-de");
        using var browser = Browser.Start("de-DE,de");
        browser.Open($"/c/{slug}");
        browser.Screenshot("campaign-germany");

        Assert.That(browser.Find("html").GetAttribute("lang"), Is.EqualTo("de"));
        Assert.That(browser.Find("#country option[selected]").GetAttribute("value"), Is.EqualTo("DE"), "the country comes from Accept-Language");
        Assert.That(browser.Text("#reserve"), Is.EqualTo("Unterstützen"));
        var standard = browser.Text(".tier[data-tier=standard] .lines");
        // 99,00 € and 9,00 € shipping, 19 % German VAT included: 10800 × 1900 ÷ 11900 = 1724 cents.
        Assert.That(standard, Does.Contain("inkl. 19 % MwSt."));
        Assert.That(browser.Text(".tier[data-tier=standard] .tax"), Is.EqualTo("17,24 €"));
        Assert.That(browser.Text(".tier[data-tier=standard] .total"), Is.EqualTo("108,00 €"));
        Assert.That(browser.Text(".currency"), Is.EqualTo("Preise in EUR"));
    }

    [Test]
    public async Task Backer_in_Canada_sees_Canadian_dollars_with_tax_added()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pg-ca");
        using var browser = Browser.Start("en-CA,en");
        browser.Open($"/c/{slug}");
        browser.Screenshot("campaign-canada");

        Assert.That(browser.Find("#country option[selected]").GetAttribute("value"), Is.EqualTo("CA"));
        Assert.That(browser.Text(".currency"), Is.EqualTo("Prices in CAD"));
        // 149.00 + 15.00 shipping, 13 % tax on top: 18532 cents, in the Canadian's own dollars.
        Assert.That(browser.Text(".tier[data-tier=standard] .lines"), Does.Contain("Tax 13%"));
        Assert.That(browser.Text(".tier[data-tier=standard] .total"), Is.EqualTo("$185.32"));
        Assert.That(browser.Find("#tier-early").Enabled, Is.False, "the early tier does not ship to Canada");
    }

    [Test]
    public async Task Sold_out_tier_cannot_be_chosen_and_the_others_are_offered()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pg-so", earlyLimit: 2);
        using (var client = ApiHost.Client())
        {
            var taken = await Http.PostPledgeAsync(client, slug, Http.Pledge("early", quantity: 2));
            Assert.That((int)taken.StatusCode, Is.EqualTo(201), await taken.Content.ReadAsStringAsync());
        }
        using var browser = Browser.Start("fr-FR,fr");
        browser.Open($"/c/{slug}");
        browser.Find("label[for=tier-early]").Click();
        browser.Screenshot("campaign-sold-out");

        Assert.That(browser.Find("#tier-early").Enabled, Is.False);
        Assert.That(browser.Find("#tier-early").Selected, Is.False, "a click on a sold-out tier chooses nothing");
        Assert.That(browser.Text(".tier[data-tier=early] .availability"), Is.EqualTo("Épuisé"));
        Assert.That(browser.Find("#tier-standard").Enabled, Is.True);
        browser.Find("label[for=tier-standard]").Click();
        Assert.That(browser.Find("#tier-standard").Selected, Is.True);
    }

    [Test]
    public async Task Pledge_form_shows_errors_by_their_fields_then_reserves_and_saves_the_card()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pg-flow");
        using var browser = Browser.Start("fr-FR,fr");
        browser.Open($"/c/{slug}");
        browser.Find("label[for=tier-standard]").Click();
        browser.Find("#f-backer-name").SendKeys("Ada Lovelace");
        browser.Find("#f-backer-email").SendKeys("pas-une-adresse");
        browser.Find("#f-shippingAddress-line1").SendKeys("1 rue de la Paix");
        browser.Find("#f-shippingAddress-city").SendKeys("Paris");
        browser.Find("#f-shippingAddress-postalCode").SendKeys("ABC");
        browser.Find("#reserve").Click();
        browser.Until(_ => browser.Text("#err-backer\\.email").Length > 0, TimeSpan.FromSeconds(10), "the email's error");
        browser.Screenshot("campaign-field-errors");
        Assert.That(browser.Text("#err-backer\\.email"), Is.EqualTo("Cette adresse e-mail n'est pas valide."));
        Assert.That(browser.Text("#err-shippingAddress\\.postalCode"), Is.EqualTo("Ce code postal n'est pas valide pour ce pays."));
        Assert.That(browser.Find("#f-backer-email").GetAttribute("aria-invalid"), Is.EqualTo("true"));

        browser.Find("#f-backer-email").Clear();
        browser.Find("#f-backer-email").SendKeys("ada@example.com");
        browser.Find("#f-shippingAddress-postalCode").Clear();
        browser.Find("#f-shippingAddress-postalCode").SendKeys("75002");
        browser.Find("#reserve").Click();
        browser.Until(_ => browser.Find("#card-step").Displayed, TimeSpan.FromSeconds(10), "the card step");
        browser.Find("#save-card").Click();
        browser.Until(d => d.Url.Contains("/pledges/", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the pledge's own page");
        browser.Until(_ => browser.Find("#status").GetAttribute("data-status") == "Confirmed", TimeSpan.FromSeconds(5), "a confirmed pledge");
        browser.Screenshot("pledge-confirmed");
        Assert.That(browser.Text("#status"), Is.EqualTo("Confirmée"));
        Assert.That(browser.Text(".pledge-lines .total"), Is.EqualTo("108,00 €"));
    }

    [Test]
    public async Task Signed_out_browser_sees_no_team_data()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pg-out");
        using var browser = Browser.Start();
        browser.Open($"/team/c/{slug}");
        browser.Screenshot("team-signed-out");

        Assert.That(new Uri(browser.Driver.Url).AbsolutePath, Is.EqualTo("/team/sign-in"));
        Assert.That(browser.Driver.PageSource, Does.Not.Contain("confirmedUnits").And.Not.Contain("Appetite"));
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = ApiHost.BaseAddress };
        Assert.That((await client.GetAsync($"/team/c/{slug}/events")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var export = await client.GetAsync($"/team/c/{slug}/pledges.csv");
        Assert.That(export.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        Assert.That(await export.Content.ReadAsStringAsync(), Does.Not.Contain("@"));
    }

    [Test]
    public async Task Wrong_key_is_refused_and_the_team_cookie_is_HttpOnly_and_SameSite()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pg-cookie");
        using var browser = Browser.Start();
        browser.SignIn("not-the-team-key-at-all-0123456789", $"/team/c/{slug}");
        Assert.That(browser.Text("#key-error"), Is.EqualTo("That is not the team key."));
        Assert.That(browser.Driver.Manage().Cookies.GetCookieNamed("crowdfund-team"), Is.Null);

        browser.SignIn(ApiHost.TeamKey, $"/team/c/{slug}");
        // The figures come with the page: nothing to wait for.
        Assert.That(browser.Text("#confirmed-units"), Does.StartWith("0 of 500 units confirmed"));
        browser.Screenshot("team-signed-in");
        var cookie = browser.Driver.Manage().Cookies.GetCookieNamed("crowdfund-team");
        Assert.That(cookie, Is.Not.Null);
        Assert.That(cookie!.IsHttpOnly, Is.True);
        Assert.That(cookie.SameSite, Is.EqualTo("Strict"));
        Assert.That((string?)browser.Driver.ExecuteScript("return document.cookie;"), Does.Not.Contain("crowdfund-team"));
        Assert.That(browser.Driver.PageSource, Does.Not.Contain(ApiHost.TeamKey), "the key is never in the page");

        browser.Submit(".team-bar button", "/team/sign-in");
        browser.Open($"/team/c/{slug}");
        Assert.That(new Uri(browser.Driver.Url).AbsolutePath, Is.EqualTo("/team/sign-in"), "signed out");
    }

    [Test]
    public async Task Dashboard_is_drawn_in_the_page_itself_and_reads_with_scripts_off()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pg-static");
        using (var client = ApiHost.Client())
            Assert.That((int)(await Http.PostPledgeAsync(client, slug, Http.Pledge("standard", "ES", 3, "28001"))).StatusCode, Is.EqualTo(201));
        using var browser = Browser.Start();
        browser.SignIn(ApiHost.TeamKey, $"/team/c/{slug}");
        // What the server sent, before any script ran: the figures, the charts and the tables.
        var html = (string)browser.Driver.ExecuteScript(
            "const r = new XMLHttpRequest(); r.open('GET', location.href, false); r.send(); return r.responseText;")!;
        Assert.That(html, Does.Contain("id=\"confirmed-units\"").And.Contain("0 of 500 units confirmed").And.Contain("<svg"));
        Assert.That(html, Does.Contain("<th scope=\"row\">ES</th><td>0</td><td>1</td>"), "the appetite row of Spain: no view, one reservation");
        Assert.That(html, Does.Contain("http-equiv=\"refresh\""), "without scripts the page reloads itself");
    }

    [Test]
    public async Task Dashboard_shows_a_pledge_made_over_the_API_within_a_second_without_reload()
    {
        var slug = await ApiHost.LaunchCampaignAsync("pg-live");
        using var browser = Browser.Start(width: 1400, height: 2000);
        browser.SignIn(ApiHost.TeamKey, $"/team/c/{slug}");
        Assert.That(browser.Text("#confirmed-units"), Does.StartWith("0 of 500"));
        // Live from the feed's first frame on: the page says so when it arrives.
        browser.Until(_ => browser.Find("#dashboard").GetAttribute("data-live") == "open", TimeSpan.FromSeconds(30), "the live feed");
        Assert.That(browser.Text("#live-state"), Is.EqualTo("Live"));
        // Each change of the goal panel, stamped with the browser's clock (the machine's, as the test's): the time
        // to show a change is taken where it happened, not when this test's next look at the page came round.
        browser.Driver.ExecuteScript("""
            window.notReloaded = true;
            window.shown = [];
            new MutationObserver(() => {
              const units = document.getElementById("confirmed-units");
              if (units) window.shown.push({ at: Date.now(), confirmed: units.dataset.units, reserved: units.dataset.reserved });
            }).observe(document.getElementById("goal"), { childList: true, subtree: true, characterData: true });
            """);

        using var client = ApiHost.Client();
        var made = await Http.PostPledgeAsync(client, slug, Http.Pledge("standard", "DE", 2, "10117"));
        var reservedAt = DateTimeOffset.UtcNow; // the pledge's acknowledgement: its 201
        Assert.That((int)made.StatusCode, Is.EqualTo(201));
        // Seen as reserved before the card is saved, or the confirmation could overtake it.
        var reservedShown = ShownAt(browser, "reserved", "2") - reservedAt;
        var pledge = await Http.JsonAsync(made);
        var (id, token) = (pledge.GetProperty("id").GetString()!, pledge.GetProperty("token").GetString()!);
        var (status, answer) = await Http.SaveCardAsync(client, id, token);
        Assert.That((int)status, Is.EqualTo(200), answer.ToString());
        await Http.StatusAsync(client, id, token, "Confirmed");
        var confirmedAt = DateTimeOffset.UtcNow; // the first answer that says Confirmed

        var confirmedShown = ShownAt(browser, "confirmed", "2") - confirmedAt;
        TestContext.Out.WriteLine($"The dashboard showed the reservation {reservedShown.TotalMilliseconds:0} ms after its 201, " +
            $"and the confirmed pledge {confirmedShown.TotalMilliseconds:0} ms after the API said Confirmed.");
        Assert.That(reservedShown, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(1)), "the reservation on the dashboard");
        Assert.That(confirmedShown, Is.LessThanOrEqualTo(TimeSpan.FromSeconds(1)), "the confirmed pledge on the dashboard");
        Assert.That(browser.Text("#confirmed-units"), Does.StartWith("2 of 500"));
        Assert.That(browser.Driver.ExecuteScript("return window.notReloaded === true;"), Is.True, "the page was not reloaded");
        browser.Until(_ => browser.Text("#countries") is var countries && countries.Contains("DE", StringComparison.Ordinal) && countries.Contains("2 (+0)", StringComparison.Ordinal), TimeSpan.FromSeconds(2),
            "Germany's two confirmed units in the chart by country");
        browser.Screenshot("team-dashboard");
    }

    /// <summary>When the page first showed <paramref name="figure"/> at <paramref name="value"/>, by the browser's clock.</summary>
    private static DateTimeOffset ShownAt(Browser browser, string figure, string value)
    {
        const string Find = "return (window.shown.find(s => s[arguments[0]] === arguments[1]) || {}).at || null;";
        // Only the wait for the record is long; the time shown is the record's own.
        browser.Until(d => browser.Driver.ExecuteScript(Find, figure, value) is not null, TimeSpan.FromSeconds(30), $"{figure} units at {value} on the page");
        return DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(browser.Driver.ExecuteScript(Find, figure, value), System.Globalization.CultureInfo.InvariantCulture));
    }
}
