using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Infrastructure.Tests.Messaging;

/// <summary>What each message's subject reads in each language, for a campaign titled "Retro Phone": the texts a backer gets.</summary>
internal static class Subjects
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<BackerMessageKind, string>> ByLanguage =
        new Dictionary<string, IReadOnlyDictionary<BackerMessageKind, string>>
        {
            ["en"] = new Dictionary<BackerMessageKind, string>
            {
                [BackerMessageKind.PledgeConfirmed] = "Your pledge to Retro Phone is confirmed",
                [BackerMessageKind.CampaignSucceeded] = "Retro Phone reached its goal",
                [BackerMessageKind.CampaignFailed] = "Retro Phone did not reach its goal",
                [BackerMessageKind.PaymentCollected] = "Payment received for Retro Phone",
                [BackerMessageKind.PaymentFailed] = "Action needed: your payment for Retro Phone did not go through",
                [BackerMessageKind.ActionRequired] = "Action needed: confirm your payment for Retro Phone",
                [BackerMessageKind.PledgeDropped] = "Your pledge to Retro Phone was cancelled",
                [BackerMessageKind.Refunded] = "Refund of your pledge to Retro Phone",
                [BackerMessageKind.Shipped] = "Your Retro Phone order is on its way",
            },
            ["fr"] = new Dictionary<BackerMessageKind, string>
            {
                [BackerMessageKind.PledgeConfirmed] = "Votre contribution à Retro Phone est confirmée",
                [BackerMessageKind.CampaignSucceeded] = "Retro Phone a atteint son objectif",
                [BackerMessageKind.CampaignFailed] = "Retro Phone n'a pas atteint son objectif",
                [BackerMessageKind.PaymentCollected] = "Paiement reçu pour Retro Phone",
                [BackerMessageKind.PaymentFailed] = "Action requise : votre paiement pour Retro Phone n'a pas abouti",
                [BackerMessageKind.ActionRequired] = "Action requise : confirmez votre paiement pour Retro Phone",
                [BackerMessageKind.PledgeDropped] = "Votre contribution à Retro Phone a été annulée",
                [BackerMessageKind.Refunded] = "Remboursement de votre contribution à Retro Phone",
                [BackerMessageKind.Shipped] = "Votre commande Retro Phone est en route",
            },
            ["de"] = new Dictionary<BackerMessageKind, string>
            {
                [BackerMessageKind.PledgeConfirmed] = "Ihre Unterstützung für Retro Phone ist bestätigt",
                [BackerMessageKind.CampaignSucceeded] = "Retro Phone hat das Ziel erreicht",
                [BackerMessageKind.CampaignFailed] = "Retro Phone hat das Ziel nicht erreicht",
                [BackerMessageKind.PaymentCollected] = "Zahlung für Retro Phone erhalten",
                [BackerMessageKind.PaymentFailed] = "Handlungsbedarf: Ihre Zahlung für Retro Phone ist fehlgeschlagen",
                [BackerMessageKind.ActionRequired] = "Handlungsbedarf: Bitte bestätigen Sie Ihre Zahlung für Retro Phone",
                [BackerMessageKind.PledgeDropped] = "Ihre Unterstützung für Retro Phone wurde storniert",
                [BackerMessageKind.Refunded] = "Erstattung Ihrer Unterstützung von Retro Phone",
                [BackerMessageKind.Shipped] = "Ihre Bestellung von Retro Phone ist unterwegs",
            },
            ["es"] = new Dictionary<BackerMessageKind, string>
            {
                [BackerMessageKind.PledgeConfirmed] = "Tu aportación a Retro Phone está confirmada",
                [BackerMessageKind.CampaignSucceeded] = "Retro Phone ha alcanzado su objetivo",
                [BackerMessageKind.CampaignFailed] = "Retro Phone no ha alcanzado su objetivo",
                [BackerMessageKind.PaymentCollected] = "Pago recibido para Retro Phone",
                [BackerMessageKind.PaymentFailed] = "Acción necesaria: tu pago para Retro Phone no se ha completado",
                [BackerMessageKind.ActionRequired] = "Acción necesaria: confirma tu pago para Retro Phone",
                [BackerMessageKind.PledgeDropped] = "Tu aportación a Retro Phone ha sido cancelada",
                [BackerMessageKind.Refunded] = "Reembolso de tu aportación a Retro Phone",
                [BackerMessageKind.Shipped] = "Tu pedido de Retro Phone está en camino",
            },
        };
}
