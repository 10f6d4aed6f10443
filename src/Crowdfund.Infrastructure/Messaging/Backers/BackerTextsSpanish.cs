using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Infrastructure.Messaging.Backers;

internal static class BackerTextsSpanish
{
    public static readonly BackerLanguage Language = new(
        "es",
        m => $"Hola, {m.Name}:",
        m => $"El equipo de {m.Title}",
        (date, time) => $"{date} a las {time}",
        code => code switch
        {
            "insufficient_funds" => "Tu banco indica que no hay fondos suficientes.",
            "expired_card" => "Tu tarjeta ha caducado.",
            _ => "Tu banco no ha indicado el motivo.",
        },
        new Dictionary<BackerMessageKind, Template>
        {
            [BackerMessageKind.PledgeConfirmed] = new(
                m => $"Tu aportación a {m.Title} está confirmada",
                m => $"""
                    Gracias por apoyar {m.Title}. Tu tarjeta está guardada y tu aportación de {m.Amount} para {m.Product} cuenta para el objetivo.

                    Ahora no se cobra nada: solo cargaremos tu tarjeta si la campaña alcanza su objetivo antes de la fecha límite.

                    Puedes seguir o cambiar tu aportación aquí hasta la fecha límite:
                    {m.Link}
                    """),
            [BackerMessageKind.CampaignSucceeded] = new(
                m => $"{m.Title} ha alcanzado su objetivo",
                m => $"""
                    Buenas noticias: {m.Title} ha alcanzado su objetivo y {m.Product} entra en producción.

                    En breve cargaremos {m.Amount} en tu tarjeta guardada. Te escribiremos de nuevo cuando se haya completado el pago.
                    """),
            [BackerMessageKind.CampaignFailed] = new(
                m => $"{m.Title} no ha alcanzado su objetivo",
                m => $"""
                    {m.Title} ha terminado sin alcanzar su objetivo, así que esta vez {m.Product} no se fabricará.

                    No se ha cobrado nada por tu aportación de {m.Amount} y tu tarjeta guardada ha quedado liberada. Gracias por tu apoyo.
                    """),
            [BackerMessageKind.PaymentCollected] = new(
                m => $"Pago recibido para {m.Title}",
                m => $"""
                    Hemos cargado {m.Amount} en tu tarjeta por tu aportación a {m.Title}. ¡Gracias!

                    Te iremos contando cómo avanzan la fabricación y el envío de {m.Product}.
                    """),
            [BackerMessageKind.PaymentFailed] = new(
                m => $"Acción necesaria: tu pago para {m.Title} no se ha completado",
                m => $"""
                    Intentamos cobrar {m.Amount} por tu aportación a {m.Title}, pero el pago fue rechazado. {m.Reason}

                    Actualiza tu tarjeta {Before(m)} para mantener tu aportación:
                    {m.Link}

                    Si no cambia nada hasta entonces, la aportación se cancelará.
                    """),
            [BackerMessageKind.ActionRequired] = new(
                m => $"Acción necesaria: confirma tu pago para {m.Title}",
                m => $"""
                    Tu banco te pide que confirmes el pago de {m.Amount} por tu aportación a {m.Title}.

                    Confírmalo {Before(m)}:
                    {m.Link}

                    Si no se confirma hasta entonces, la aportación se cancelará.
                    """),
            [BackerMessageKind.PledgeDropped] = new(
                m => $"Tu aportación a {m.Title} ha sido cancelada",
                m => $"""
                    No hemos podido cobrar el pago de {m.Amount} por tu aportación a {m.Title} dentro del plazo, así que la aportación se ha cancelado. No se ha cobrado nada.

                    Gracias por tu interés en {m.Product}.
                    """),
            [BackerMessageKind.Refunded] = new(
                m => $"Reembolso de tu aportación a {m.Title}",
                m => $"""
                    Hemos reembolsado {m.Amount} en tu tarjeta por tu aportación a {m.Title}. Según tu banco, puede tardar de 5 a 10 días en aparecer en tu extracto.
                    """),
            [BackerMessageKind.Shipped] = new(
                m => $"Tu pedido de {m.Title} está en camino",
                m => $"""
                    Tu pedido {m.Shipment!.Reference} de {m.Title} salió de la fábrica el {m.Shipment.ShippedAt}.

                    Transportista: {m.Shipment.Carrier}
                    Número de seguimiento: {m.Shipment.TrackingNumber}

                    Puedes seguir tu pedido aquí:
                    {m.Link}
                    """),
        });

    private static string Before(MailModel m) => m.FixBy is { } fixBy ? $"antes del {fixBy}" : "lo antes posible";
}
