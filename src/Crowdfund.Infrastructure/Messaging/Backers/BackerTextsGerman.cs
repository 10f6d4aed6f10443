using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Infrastructure.Messaging.Backers;

internal static class BackerTextsGerman
{
    public static readonly BackerLanguage Language = new(
        "de",
        m => $"Hallo {m.Name},",
        m => $"Ihr Team von {m.Title}",
        (date, time) => $"{date} um {time}",
        code => code switch
        {
            "insufficient_funds" => "Ihre Bank meldet eine unzureichende Deckung.",
            "expired_card" => "Ihre Karte ist abgelaufen.",
            _ => "Ihre Bank hat keinen Grund genannt.",
        },
        new Dictionary<BackerMessageKind, Template>
        {
            [BackerMessageKind.PledgeConfirmed] = new(
                m => $"Ihre Unterstützung für {m.Title} ist bestätigt",
                m => $"""
                    Danke, dass Sie {m.Title} unterstützen. Ihre Karte ist gespeichert, und Ihre Unterstützung über {m.Amount} für {m.Product} zählt zum Ziel.

                    Jetzt wird nichts abgebucht: Ihre Karte wird nur belastet, wenn die Kampagne ihr Ziel bis zum Stichtag erreicht.

                    Bis zum Stichtag können Sie Ihre Unterstützung hier verfolgen oder ändern:
                    {m.Link}
                    """),
            [BackerMessageKind.CampaignSucceeded] = new(
                m => $"{m.Title} hat das Ziel erreicht",
                m => $"""
                    Gute Nachricht: {m.Title} hat das Ziel erreicht, und {m.Product} geht in Produktion.

                    Ihre gespeicherte Karte wird in Kürze mit {m.Amount} belastet. Wir melden uns wieder, sobald die Zahlung eingegangen ist.
                    """),
            [BackerMessageKind.CampaignFailed] = new(
                m => $"{m.Title} hat das Ziel nicht erreicht",
                m => $"""
                    {m.Title} ist zu Ende gegangen, ohne das Ziel zu erreichen; {m.Product} wird daher diesmal nicht hergestellt.

                    Für Ihre Unterstützung über {m.Amount} wurde nichts abgebucht, und Ihre gespeicherte Karte wurde freigegeben. Vielen Dank für Ihre Unterstützung.
                    """),
            [BackerMessageKind.PaymentCollected] = new(
                m => $"Zahlung für {m.Title} erhalten",
                m => $"""
                    Wir haben Ihre Karte für Ihre Unterstützung von {m.Title} mit {m.Amount} belastet. Vielen Dank!

                    Wir halten Sie auf dem Laufenden, während {m.Product} hergestellt und versandt wird.
                    """),
            [BackerMessageKind.PaymentFailed] = new(
                m => $"Handlungsbedarf: Ihre Zahlung für {m.Title} ist fehlgeschlagen",
                m => $"""
                    Wir wollten {m.Amount} für Ihre Unterstützung von {m.Title} abbuchen, aber die Zahlung wurde abgelehnt. {m.Reason}

                    Bitte aktualisieren Sie Ihre Karte {Before(m)}, damit Ihre Unterstützung bestehen bleibt:
                    {m.Link}

                    Ohne Änderung bis dahin wird die Unterstützung storniert.
                    """),
            [BackerMessageKind.ActionRequired] = new(
                m => $"Handlungsbedarf: Bitte bestätigen Sie Ihre Zahlung für {m.Title}",
                m => $"""
                    Ihre Bank bittet Sie, die Zahlung von {m.Amount} für Ihre Unterstützung von {m.Title} zu bestätigen.

                    Bitte bestätigen Sie sie {Before(m)}:
                    {m.Link}

                    Ohne Bestätigung bis dahin wird die Unterstützung storniert.
                    """),
            [BackerMessageKind.PledgeDropped] = new(
                m => $"Ihre Unterstützung für {m.Title} wurde storniert",
                m => $"""
                    Wir konnten die Zahlung von {m.Amount} für Ihre Unterstützung von {m.Title} nicht rechtzeitig einziehen; die Unterstützung wurde daher storniert. Es wurde nichts abgebucht.

                    Danke für Ihr Interesse an {m.Product}.
                    """),
            [BackerMessageKind.Refunded] = new(
                m => $"Erstattung Ihrer Unterstützung von {m.Title}",
                m => $"""
                    Wir haben {m.Amount} für Ihre Unterstützung von {m.Title} auf Ihre Karte erstattet. Je nach Bank kann es 5 bis 10 Tage dauern, bis die Gutschrift auf Ihrer Abrechnung erscheint.
                    """),
            [BackerMessageKind.Shipped] = new(
                m => $"Ihre Bestellung von {m.Title} ist unterwegs",
                m => $"""
                    Ihre Bestellung {m.Shipment!.Reference} für {m.Title} hat das Werk am {m.Shipment.ShippedAt} verlassen.

                    Versanddienstleister: {m.Shipment.Carrier}
                    Sendungsnummer: {m.Shipment.TrackingNumber}

                    Hier können Sie Ihre Bestellung verfolgen:
                    {m.Link}
                    """),
        });

    private static string Before(MailModel m) => m.FixBy is { } fixBy ? $"bis {fixBy}" : "so bald wie möglich";
}
