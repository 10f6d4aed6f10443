using System.Globalization;
using Crowdfund.Infrastructure.Messaging;
using Crowdfund.Infrastructure.Messaging.Backers;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Infrastructure.Tests.Messaging;

/// <summary>Messages written in the backer's language, with amounts and dates in their culture's formats.</summary>
public sealed class RenderingTests
{
    private static readonly Uri Link = new("https://pledge.crowdfund.test/pledges/1?token=abc");
    private static readonly DateTimeOffset FixBy = new(2026, 12, 8, 17, 0, 0, TimeSpan.Zero);

    private static IEnumerable<TestCaseData> EveryKindInEveryLanguage() =>
        from language in new[] { ("en-US", "US", "en"), ("fr-FR", "FR", "fr"), ("de-DE", "DE", "de"), ("es-ES", "ES", "es") }
        from kind in Enum.GetValues<BackerMessageKind>()
        select new TestCaseData(language.Item1, language.Item2, kind, Subjects.ByLanguage[language.Item3][kind]);

    [TestCaseSource(nameof(EveryKindInEveryLanguage))]
    public void Every_kind_is_written_in_the_backers_language(string locale, string country, BackerMessageKind kind, string subject)
    {
        var mail = BackerMail.Render(Message(kind), Facts(locale, country, "EUR"), Link);

        Assert.That(mail.Subject, Is.EqualTo(subject));
        Assert.That(mail.Language, Is.EqualTo(locale[..2]));
        Assert.That(mail.Text, Does.StartWith(locale[..2] switch { "fr" => "Bonjour Zoë,", "de" => "Hallo Zoë,", "es" => "Hola, Zoë:", _ => "Hello Zoë," }));
        Assert.That(mail.Text, Does.Not.Contain("{").And.Not.Contain("}"), "every placeholder filled");
        Assert.That(mail.Text.Contains(Link.ToString()), Is.EqualTo(kind is BackerMessageKind.PledgeConfirmed
            or BackerMessageKind.PaymentFailed or BackerMessageKind.ActionRequired or BackerMessageKind.Shipped),
            "the pledge's link where the backer may act or follow the order");
    }

    [TestCase("fr-FR", 123456, "EUR", "1\u202F234,56 €")]
    [TestCase("de-DE", 123456, "EUR", "1.234,56 €")]
    [TestCase("es-ES", 123456, "EUR", "1.234,56 €")]
    [TestCase("en-US", 123456, "USD", "$1,234.56")]
    [TestCase("en-CA", 123456, "CAD", "$1,234.56")]
    [TestCase("fr-CA", 123456, "CAD", "1\u00A0234,56 $")]
    [TestCase("en-US", 123456, "CAD", "CA$1,234.56")]
    [TestCase("en-CA", 123456, "USD", "US$1,234.56")]
    [TestCase("fr-FR", 123456, "USD", "1\u202F234,56 US$")]
    [TestCase("de-DE", 5, "CAD", "0,05 CA$")]
    [TestCase("en-US", 99, "EUR", "€0.99")]
    [TestCase("en-US", 123456, "JPY", "JPY 123,456")]
    [TestCase("de-DE", 123456, "KWD", "123,456 KWD")]
    public void Amounts_are_written_for_the_culture_and_the_currency(string locale, long minorUnits, string currency, string expected)
    {
        Assert.That(Money.Format(minorUnits, currency, CultureInfo.GetCultureInfo(locale)), Is.EqualTo(expected));
    }

    [TestCase("fr-FR", "FR", "mardi 8 décembre 2026 à 18:00 (UTC+01:00)")]
    [TestCase("de-DE", "DE", "Dienstag, 8. Dezember 2026 um 18:00 (UTC+01:00)")]
    [TestCase("es-ES", "ES", "martes, 8 de diciembre de 2026 a las 18:00 (UTC+01:00)")]
    [TestCase("en-US", "US", "Tuesday, December 8, 2026 at 12:00\u202FPM (UTC-05:00)")]
    [TestCase("fr-CA", "CA", "mardi 8 décembre 2026 à 12 h 00 (UTC-05:00)")]
    public void The_fix_window_ends_in_the_culture_and_the_clock_of_the_country(string locale, string country, string expected)
    {
        var mail = BackerMail.Render(Message(BackerMessageKind.ActionRequired), Facts(locale, country, "EUR"), Link);

        Assert.That(mail.Text, Does.Contain(expected));
    }

    [Test]
    public void A_failed_charge_says_why_in_the_language_and_names_the_amount_charged()
    {
        var message = Message(BackerMessageKind.PaymentFailed) with { Amount = 4200, Currency = "EUR", DeclineCode = "insufficient_funds" };

        var mail = BackerMail.Render(message, Facts("de-DE", "DE", "EUR"), Link);

        Assert.That(mail.Text, Does.Contain("Wir wollten 42,00 € für Ihre Unterstützung von Retro Phone abbuchen"));
        Assert.That(mail.Text, Does.Contain("Ihre Bank meldet eine unzureichende Deckung."));
        Assert.That(mail.Text, Does.Contain($"Ihre Unterstützung bestehen bleibt:\n{Link}"));
    }

    [Test]
    public void A_shipment_names_the_order_the_carrier_the_tracking_number_and_the_day_it_left_in_the_language()
    {
        var mail = BackerMail.Render(Message(BackerMessageKind.Shipped), Facts("fr-FR", "FR", "EUR"), Link);

        Assert.That(mail.Text, Does.Contain("Votre commande CF-0000042 pour Retro Phone a quitté l'usine le mardi 8 décembre 2026 à 18:00 (UTC+01:00)."));
        Assert.That(mail.Text, Does.Contain("Transporteur : DHL\nNuméro de suivi : JD014600003SE"));
    }

    [Test]
    public void A_shipment_message_without_its_shipment_is_parked_not_sent_with_blanks()
    {
        var message = new BackerMessageV1(BackerMessageKind.Shipped, Guid.NewGuid(), "retro-phone");

        Assert.That(() => BackerMail.Render(message, Facts("en-US", "US", "USD"), Link),
            Throws.TypeOf<OutboxDeliveryException>().With.Property(nameof(OutboxDeliveryException.Permanent)).True);
    }

    [Test]
    public void Another_language_falls_back_to_english_in_its_own_formats()
    {
        var mail = BackerMail.Render(Message(BackerMessageKind.PaymentCollected), Facts("it-IT", "FR", "EUR"), Link);

        Assert.That(mail.Subject, Is.EqualTo("Payment received for Retro Phone"));
        Assert.That(mail.Text, Does.Contain("We charged 1.234,56 € to your card"));
        Assert.That((mail.Language, mail.Culture), Is.EqualTo(("en", "it-IT")));
    }

    [TestCase("", "DE", "de-DE")]
    [TestCase("not a locale", "ES", "es-ES")]
    [TestCase("fr", "CA", "fr-CA")]
    [TestCase("de", "US", "de-DE")]
    [TestCase("", "GB", "en-GB")]
    public void A_missing_or_partial_locale_is_completed_from_the_country(string locale, string country, string culture)
    {
        Assert.That(BackerMail.Render(Message(BackerMessageKind.Refunded), Facts(locale, country, "EUR"), Link).Culture, Is.EqualTo(culture));
    }

    [Test]
    public void The_message_id_is_the_same_for_the_same_key_and_names_nothing()
    {
        var key = $"{Guid.NewGuid()}:PaymentFailed:2";

        Assert.That(BackerMail.MessageId(key, "crowdfund.test"), Is.EqualTo(BackerMail.MessageId(key, "crowdfund.test")));
        Assert.That(BackerMail.MessageId(key, "crowdfund.test"), Does.Match("^[0-9a-f]{32}@crowdfund.test$"));
        Assert.That(BackerMail.MessageId(key + "x", "crowdfund.test"), Is.Not.EqualTo(BackerMail.MessageId(key, "crowdfund.test")));
    }

    private static BackerMessageV1 Message(BackerMessageKind kind) => kind == BackerMessageKind.Shipped
        ? new(kind, Guid.NewGuid(), "retro-phone", OrderReference: "CF-0000042", Carrier: "DHL", TrackingNumber: "JD014600003SE",
            ShippedAt: FixBy)
        : new(kind, Guid.NewGuid(), "retro-phone", FixBy: kind is BackerMessageKind.PaymentFailed or BackerMessageKind.ActionRequired ? FixBy : null);

    private static BackerFacts Facts(string locale, string country, string currency) =>
        new("Zoë", "zoe@example.org", locale, country, currency, 123456, PledgeStatus.Confirmed, "Retro Phone", "Cordless retro-styled landline phone");
}
