using System.Globalization;
using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Infrastructure.Messaging.Backers;

/// <summary>What a message's text is made of, already written for the backer's culture.</summary>
/// <param name="Amount">The amount, formatted with its currency.</param>
/// <param name="FixBy">The end of the fix window, formatted; null when the message has none.</param>
/// <param name="Reason">The bank's reason for a declined charge, as a sentence of the language.</param>
/// <param name="Shipment">The parcel, for a shipment; null otherwise.</param>
internal sealed record MailModel(string Name, string Title, string Product, string Amount, string? FixBy, Uri Link, string Reason,
    MailShipment? Shipment = null);

/// <summary>A parcel as the mail names it: the order's reference, the carrier, the tracking number, when it left (formatted).</summary>
internal sealed record MailShipment(string Reference, string Carrier, string TrackingNumber, string ShippedAt);

/// <summary>The subject and body of one kind of message.</summary>
internal sealed record Template(Func<MailModel, string> Subject, Func<MailModel, string> Body);

/// <summary>
/// The texts of one language: a template for every <see cref="BackerMessageKind"/> (a test holds each language to
/// that), the greeting and sign-off around them, how a date and a time join, and the bank's reasons.
/// </summary>
internal sealed record BackerLanguage(
    string Code,
    Func<MailModel, string> Greeting,
    Func<MailModel, string> SignOff,
    Func<string, string, string> DateAtTime,
    Func<string?, string> DeclineReason,
    IReadOnlyDictionary<BackerMessageKind, Template> Messages)
{
    public static readonly IReadOnlyList<BackerLanguage> All =
        [BackerTextsEnglish.Language, BackerTextsFrench.Language, BackerTextsGerman.Language, BackerTextsSpanish.Language];

    /// <summary>The culture's language where there are texts for it; English otherwise.</summary>
    public static BackerLanguage For(CultureInfo culture) =>
        All.FirstOrDefault(l => l.Code == culture.TwoLetterISOLanguageName) ?? BackerTextsEnglish.Language;
}
