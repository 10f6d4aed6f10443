using Crowdfund.Domain;
using Crowdfund.Domain.Rules;

namespace Crowdfund.Abstractions.Tests;

public sealed class RuleTests
{
    [TestCase("FR", "75002", true)]
    [TestCase("FR", "7500", false)]
    [TestCase("DE", "10115", true)]
    [TestCase("DE", "1011A", false)]
    [TestCase("ES", "28001", true)]
    [TestCase("ES", "53001", false)]
    [TestCase("US", "94103", true)]
    [TestCase("US", "94103-1234", true)]
    [TestCase("US", "9410", false)]
    [TestCase("CA", "K1A 0B1", true)]
    [TestCase("CA", "K1A0B1", true)]
    [TestCase("CA", "D1A 0B1", false)]
    [TestCase("GB", "SW1A 1AA", false)]
    [TestCase("FR", "75002\n", false)]
    [TestCase("FR", "٧٥٠٠٢", false)]
    [TestCase("CA", "\u212A1A 0B1", false)]
    public void Postal_codes_follow_each_country_shape(string country, string code, bool valid) =>
        Assert.That(PostalCodes.IsValid(country, code), Is.EqualTo(valid));

    [TestCase("ada@example.com", true)]
    [TestCase("ada.lovelace+pledge@mail.example.co.uk", true)]
    [TestCase("Ada <ada@example.com>", false)]
    [TestCase("ada@localhost", false)]
    [TestCase("ada@@example.com", false)]
    [TestCase("ada example.com", false)]
    [TestCase("", false)]
    public void Emails_are_plain_addresses(string email, bool valid) =>
        Assert.That(Emails.IsValid(email), Is.EqualTo(valid));

    [TestCase(null, "FR", "fr-FR")]
    [TestCase(null, "DE", "de-DE")]
    [TestCase(null, "ES", "es-ES")]
    [TestCase(null, "US", "en-US")]
    [TestCase(null, "CA", "en-CA")]
    [TestCase("fr", "CA", "fr-CA")]
    [TestCase("fr-CA", "CA", "fr-CA")]
    [TestCase("DE_de", "ES", "de-ES")]
    [TestCase("en-GB", "FR", "en-FR")]
    [TestCase("it", "DE", "de-DE")]
    [TestCase("zh-Hant-TW", "US", "en-US")]
    [TestCase("", "FR", null)]
    [TestCase("fr FR", "FR", null)]
    [TestCase("français", "FR", null)]
    [TestCase("fr\n", "FR", null)]
    [TestCase("f", "FR", null)]
    public void A_backer_is_written_to_in_their_language_else_their_countrys(string? asked, string country, string? culture) =>
        Assert.That(BackerLocales.Resolve(asked, country), Is.EqualTo(culture));

    [Test]
    public void A_malformed_locale_is_named_and_an_absent_one_takes_the_countrys()
    {
        var (_, problems) = PledgeInputRules.Check("early", 1, "DE", "Ada", "ada@example.com", "Unter den Linden 1", null,
            "Berlin", null, "10117", "de DE");
        Assert.That(problems.Select(p => (p.Field, p.Code)), Is.EqualTo(new[] { ("locale", "locale_invalid") }));
        var (input, _) = PledgeInputRules.Check("early", 1, "DE", "Ada", "ada@example.com", "Unter den Linden 1", null,
            "Berlin", null, "10117");
        Assert.That(input!.Locale, Is.EqualTo("de-DE"));
    }

    [Test]
    public void A_campaign_in_an_unsupported_country_or_currency_is_named()
    {
        var definition = new CampaignDefinition("ok", "T", "P", 500, DateTimeOffset.UtcNow.AddDays(1),
            [new CountrySettings("US", "EUR", 0, false), new CountrySettings("GB", "GBP", 2000, true)],
            CampaignDefinition.DefaultMilestones);

        var problems = CampaignRules.CheckDefinition(definition).Problems;

        Assert.That(problems.Select(p => (p.Field, p.Code)), Is.EquivalentTo(new[]
        {
            ("countries[0].currency", "currency_mismatch"), ("countries[1].country", "country_unsupported"),
        }));
    }

    [Test]
    public void Prices_with_tax_included_show_the_tax_share_and_prices_without_add_it()
    {
        var tier = new TierDefinition("t", "T", "", new Dictionary<string, long> { ["EUR"] = 10000, ["CAD"] = 10000 }, 1,
            null, null, ["FR", "CA"], new Dictionary<string, long> { ["FR"] = 2000, ["CA"] = 2000 }, "2027-01", false);

        var france = Pricing.Quote(tier, new CountrySettings("FR", "EUR", 2000, true), 2)!;
        var canada = Pricing.Quote(tier, new CountrySettings("CA", "CAD", 1300, false), 2)!;

        // 22,000 gross holds 20 % VAT: 22,000 × 20 / 120 = 3,666.67, rounded to 3,667.
        Assert.That(france, Is.EqualTo(new AmountLines("EUR", 20000, 2000, 3667, 22000)));
        Assert.That(canada, Is.EqualTo(new AmountLines("CAD", 20000, 2000, 2860, 24860)));
        Assert.That(Pricing.Quote(tier, new CountrySettings("US", "USD", 0, false), 1), Is.Null);
    }
}
