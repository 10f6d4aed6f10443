using OpenQA.Selenium;

namespace Crowdfund.Host.Tests.Pages;

/// <summary>
/// The backer's page after the campaign's end, in a real browser on a host of its own (<see cref="MoneyHost"/>: its
/// own emulator and a domain clock the test moves past the deadline): what to do when the charge failed or the bank
/// wants it confirmed, done from the page, up to the payment collected.
/// </summary>
public sealed class BackerPaymentPageTests : MoneyHostFixture
{
    [Test]
    public async Task Declined_charge_is_explained_in_the_backers_language_and_fixed_with_a_new_card_from_the_page()
    {
        var slug = await Money.LaunchAsync("pg-decline", goalUnits: 1);
        var backer = await Money.PledgeAsync(slug, "DE", card: "pm_card_chargeCustomerFail");
        await Money.EndAsync(slug);
        await Money.StatusAsync(backer, "PaymentFailed");

        using var browser = Browser.Start("de-DE,de", baseAddress: Money.BaseAddress);
        browser.Open(PagePath(backer));
        browser.Screenshot("pledge-payment-failed");
        Assert.That(browser.Find("#status").GetAttribute("data-status"), Is.EqualTo("PaymentFailed"));
        Assert.That(browser.Text("#status"), Is.EqualTo("Zahlung fehlgeschlagen"));
        var problem = browser.Text("#payment-problem");
        Assert.That(problem, Does.Contain("Ihre Bank hat die Zahlung über 108,00 € abgelehnt."));
        Assert.That(browser.Find("#payment-problem").GetAttribute("data-decline"), Is.EqualTo("generic_decline"));
        Assert.That(problem, Does.Contain("Ihre Bank hat keinen Grund genannt."), "the bank's reason (none given), in German");
        Assert.That(problem, Does.Contain("Bitte beheben Sie die Zahlung vor dem"), "the end of the fix window");
        Assert.That(browser.Text("#card-step h2"), Is.EqualTo("Eine neue Karte"));

        browser.Find("#test-card option[value=pm_card_visa]").Click();
        browser.Find("#save-card").Click();
        browser.Until(_ => browser.Find("#status").GetAttribute("data-status") == "Collected", TimeSpan.FromSeconds(60), "the pledge collected");
        browser.Screenshot("pledge-collected-after-new-card");
        Assert.That(browser.Text("#status"), Is.EqualTo("Bezahlt"));
        Assert.That(browser.Driver.FindElements(By.CssSelector("#payment-problem, #card-step")), Is.Empty, "nothing left to do");
    }

    [Test]
    public async Task Charge_the_bank_wants_confirmed_is_authenticated_from_the_page_and_collected()
    {
        var slug = await Money.LaunchAsync("pg-sca", goalUnits: 1);
        var backer = await Money.PledgeAsync(slug, "FR", card: "pm_card_authenticationRequired");
        await Money.EndAsync(slug);
        await Money.StatusAsync(backer, "ActionRequired");

        using var browser = Browser.Start("fr-FR,fr", baseAddress: Money.BaseAddress);
        browser.Open(PagePath(backer));
        browser.Screenshot("pledge-action-required");
        Assert.That(browser.Text("#status"), Is.EqualTo("Votre banque demande une confirmation"));
        Assert.That(browser.Text("#payment-problem"), Does.Contain("Votre banque vous demande de confirmer le paiement de 108,00 € (3-D Secure)"));
        Assert.That(browser.Text("#authenticate"), Is.EqualTo("Confirmer le paiement"));

        browser.Find("#authenticate").Click();
        // The emulator's 3-D Secure page stands in for the bank's: the backer completes the challenge there.
        browser.Until(d => d.Url.Contains("/_emulator/3ds/", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the bank's confirmation page");
        browser.Screenshot("pledge-3ds-page");
        browser.Find("form button").Click();
        browser.Until(_ => new Uri(browser.Driver.Url).AbsolutePath == $"/pledges/{backer.Id}"
            && browser.Find("#status").GetAttribute("data-status") == "Collected", TimeSpan.FromSeconds(60), "back on the pledge, collected");
        browser.Screenshot("pledge-collected-after-3ds");
        Assert.That(browser.Text("#status"), Is.EqualTo("Payée"));
    }

    private static string PagePath(Backer backer) => $"/pledges/{backer.Id}?token={Uri.EscapeDataString(backer.Token)}";
}
