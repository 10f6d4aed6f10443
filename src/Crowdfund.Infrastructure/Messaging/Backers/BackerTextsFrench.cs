using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Infrastructure.Messaging.Backers;

internal static class BackerTextsFrench
{
    public static readonly BackerLanguage Language = new(
        "fr",
        m => $"Bonjour {m.Name},",
        m => $"L'équipe de {m.Title}",
        (date, time) => $"{date} à {time}",
        code => code switch
        {
            "insufficient_funds" => "Votre banque signale un solde insuffisant.",
            "expired_card" => "Votre carte a expiré.",
            _ => "Votre banque n'en a pas précisé la raison.",
        },
        new Dictionary<BackerMessageKind, Template>
        {
            [BackerMessageKind.PledgeConfirmed] = new(
                m => $"Votre contribution à {m.Title} est confirmée",
                m => $"""
                    Merci de soutenir {m.Title}. Votre carte est enregistrée et votre contribution de {m.Amount} pour {m.Product} compte pour l'objectif.

                    Rien n'est débité maintenant : votre carte ne sera débitée que si la campagne atteint son objectif à la date limite.

                    Vous pouvez suivre ou modifier votre contribution ici jusqu'à la date limite :
                    {m.Link}
                    """),
            [BackerMessageKind.CampaignSucceeded] = new(
                m => $"{m.Title} a atteint son objectif",
                m => $"""
                    Bonne nouvelle : {m.Title} a atteint son objectif, et la production de {m.Product} est lancée.

                    Votre carte enregistrée sera débitée de {m.Amount} prochainement. Nous vous écrirons de nouveau une fois le paiement effectué.
                    """),
            [BackerMessageKind.CampaignFailed] = new(
                m => $"{m.Title} n'a pas atteint son objectif",
                m => $"""
                    La campagne {m.Title} s'est terminée sans atteindre son objectif : la production de {m.Product} n'aura donc pas lieu cette fois.

                    Rien n'a été débité pour votre contribution de {m.Amount}, et votre carte enregistrée a été libérée. Merci de votre soutien.
                    """),
            [BackerMessageKind.PaymentCollected] = new(
                m => $"Paiement reçu pour {m.Title}",
                m => $"""
                    Nous avons débité {m.Amount} sur votre carte pour votre contribution à {m.Title}. Merci !

                    Nous vous tiendrons au courant de la fabrication et de l'expédition de {m.Product}.
                    """),
            [BackerMessageKind.PaymentFailed] = new(
                m => $"Action requise : votre paiement pour {m.Title} n'a pas abouti",
                m => $"""
                    Nous avons tenté de débiter {m.Amount} pour votre contribution à {m.Title}, mais le paiement a été refusé. {m.Reason}

                    Merci de mettre à jour votre carte {Before(m)} pour conserver votre contribution :
                    {m.Link}

                    Sans changement d'ici là, la contribution sera annulée.
                    """),
            [BackerMessageKind.ActionRequired] = new(
                m => $"Action requise : confirmez votre paiement pour {m.Title}",
                m => $"""
                    Votre banque vous demande de confirmer le paiement de {m.Amount} pour votre contribution à {m.Title}.

                    Merci de le confirmer {Before(m)} :
                    {m.Link}

                    Sans confirmation d'ici là, la contribution sera annulée.
                    """),
            [BackerMessageKind.PledgeDropped] = new(
                m => $"Votre contribution à {m.Title} a été annulée",
                m => $"""
                    Nous n'avons pas pu encaisser le paiement de {m.Amount} pour votre contribution à {m.Title} dans le délai prévu : la contribution a donc été annulée. Rien n'a été débité.

                    Merci de l'intérêt que vous portez à {m.Product}.
                    """),
            [BackerMessageKind.Refunded] = new(
                m => $"Remboursement de votre contribution à {m.Title}",
                m => $"""
                    Nous avons remboursé {m.Amount} sur votre carte pour votre contribution à {m.Title}. Selon votre banque, le remboursement peut mettre 5 à 10 jours à apparaître sur votre relevé.
                    """),
            [BackerMessageKind.Shipped] = new(
                m => $"Votre commande {m.Title} est en route",
                m => $"""
                    Votre commande {m.Shipment!.Reference} pour {m.Title} a quitté l'usine le {m.Shipment.ShippedAt}.

                    Transporteur : {m.Shipment.Carrier}
                    Numéro de suivi : {m.Shipment.TrackingNumber}

                    Vous pouvez suivre votre commande ici :
                    {m.Link}
                    """),
        });

    private static string Before(MailModel m) => m.FixBy is { } fixBy ? $"avant le {fixBy}" : "dès que possible";
}
