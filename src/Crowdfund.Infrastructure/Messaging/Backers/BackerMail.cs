using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Crowdfund.Messages.Outgoing;
using MimeKit;
using MimeKit.Text;

namespace Crowdfund.Infrastructure.Messaging.Backers;

/// <summary>A message written for its backer: its language's code, the culture it was formatted in, subject and text.</summary>
public sealed record RenderedMail(string Language, string Culture, string Subject, string Text);

/// <summary>Writes a backer message in the backer's language and formats, and makes it a mail.</summary>
internal static class BackerMail
{
    public static RenderedMail Render(BackerMessageV1 message, BackerFacts facts, Uri link)
    {
        var culture = BackerCulture.Resolve(facts.Locale, facts.Country);
        var language = BackerLanguage.For(culture);
        if (!language.Messages.TryGetValue(message.Kind, out var template))
            throw new OutboxDeliveryException($"no text for {message.Kind}", permanent: true);
        // The message's own amount (what was charged, what was refunded) is in its own currency; without one, the
        // pledge's total in the pledge's currency.
        var (amount, currency) = message.Amount is { } own ? (own, message.Currency ?? facts.Currency) : (facts.Total, facts.Currency);
        var model = new MailModel(facts.BackerName, facts.Title, facts.Product, Money.Format(amount, currency, culture),
            message.FixBy is { } fixBy ? BackerDates.Format(fixBy, culture, facts.Country, language.DateAtTime) : null,
            link, language.DeclineReason(message.DeclineCode), Shipment(message, facts, culture, language));
        var text = $"{language.Greeting(model)}\n\n{template.Body(model)}\n\n{language.SignOff(model)}\n";
        return new RenderedMail(language.Code, culture.Name, template.Subject(model), text);
    }

    private static MailShipment? Shipment(BackerMessageV1 message, BackerFacts facts, CultureInfo culture, BackerLanguage language)
    {
        if (message.Kind != BackerMessageKind.Shipped) return null;
        if (message is not { OrderReference: { } reference, Carrier: { } carrier, TrackingNumber: { } tracking, ShippedAt: { } at })
            throw new OutboxDeliveryException("a shipment message without its shipment", permanent: true);
        return new MailShipment(reference, carrier, tracking, BackerDates.Format(at, culture, facts.Country, language.DateAtTime));
    }

    /// <summary>
    /// The mail. Its Message-ID is derived from the outbox key, and its date is the moment the message was written to
    /// the outbox: a message sent again after a crash is the same mail, which mail servers and programs recognise.
    /// </summary>
    public static MimeMessage Compose(RenderedMail mail, BackerFacts facts, MailboxAddress from, string key, DateTimeOffset date)
    {
        if (!MailboxAddress.TryParse(facts.BackerEmail, out var to))
            throw new OutboxDeliveryException("the backer's address cannot be used", permanent: true);
        var message = new MimeMessage { Subject = mail.Subject, Date = date, MessageId = MessageId(key, from.Domain) };
        // A copy: MimeKit's address list subscribes to each address added to it, so the caller's sender, added as is,
        // would hold every message composed with it (one per pledge charged) for as long as the sender lives.
        message.From.Add(from.Clone());
        message.To.Add(new MailboxAddress(facts.BackerName, to.Address));
        // RFC 3834: written by a program, so that vacation responders stay quiet.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.Body = new TextPart(TextFormat.Plain) { Text = mail.Text };
        // A Content- header describes the part it is on: the text's language.
        message.Body.Headers.Add(HeaderId.ContentLanguage, mail.Language);
        return message;
    }

    /// <summary>The same for the same key, and nothing readable in it: the key names the pledge.</summary>
    public static string MessageId(string key, string domain) =>
        $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32]}@{domain}";
}
