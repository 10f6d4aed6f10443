using Crowdfund.Messages.Outgoing;

namespace Crowdfund.Infrastructure.Messaging.Backers;

internal static class BackerTextsEnglish
{
    public static readonly BackerLanguage Language = new(
        "en",
        m => $"Hello {m.Name},",
        m => $"The team behind {m.Title}",
        (date, time) => $"{date} at {time}",
        code => code switch
        {
            "insufficient_funds" => "Your bank reported insufficient funds.",
            "expired_card" => "Your card has expired.",
            _ => "Your bank did not give a reason.",
        },
        new Dictionary<BackerMessageKind, Template>
        {
            [BackerMessageKind.PledgeConfirmed] = new(
                m => $"Your pledge to {m.Title} is confirmed",
                m => $"""
                    Thank you for backing {m.Title}. Your card is saved, and your pledge of {m.Amount} for {m.Product} counts toward the goal.

                    Nothing is charged now: your card will be charged only if the campaign reaches its goal by the deadline.

                    You can follow or change your pledge here until the deadline:
                    {m.Link}
                    """),
            [BackerMessageKind.CampaignSucceeded] = new(
                m => $"{m.Title} reached its goal",
                m => $"""
                    Good news: {m.Title} reached its goal, and {m.Product} goes into production.

                    Your saved card will be charged {m.Amount} shortly. We will write again once the payment has gone through.
                    """),
            [BackerMessageKind.CampaignFailed] = new(
                m => $"{m.Title} did not reach its goal",
                m => $"""
                    {m.Title} ended without reaching its goal, so {m.Product} will not be made this time.

                    Nothing was charged for your pledge of {m.Amount}, and your saved card has been released. Thank you for your support.
                    """),
            [BackerMessageKind.PaymentCollected] = new(
                m => $"Payment received for {m.Title}",
                m => $"""
                    We charged {m.Amount} to your card for your pledge to {m.Title}. Thank you!

                    We will keep you posted as {m.Product} is made and shipped.
                    """),
            [BackerMessageKind.PaymentFailed] = new(
                m => $"Action needed: your payment for {m.Title} did not go through",
                m => $"""
                    We tried to charge {m.Amount} for your pledge to {m.Title}, but the payment was declined. {m.Reason}

                    Please update your card {Before(m)} to keep your pledge:
                    {m.Link}

                    If nothing changes by then, the pledge will be cancelled.
                    """),
            [BackerMessageKind.ActionRequired] = new(
                m => $"Action needed: confirm your payment for {m.Title}",
                m => $"""
                    Your bank asks you to confirm the payment of {m.Amount} for your pledge to {m.Title}.

                    Please confirm it {Before(m)}:
                    {m.Link}

                    If it is not confirmed by then, the pledge will be cancelled.
                    """),
            [BackerMessageKind.PledgeDropped] = new(
                m => $"Your pledge to {m.Title} was cancelled",
                m => $"""
                    We could not collect the payment of {m.Amount} for your pledge to {m.Title} in time, so the pledge has been cancelled. Nothing was charged.

                    Thank you for your interest in {m.Product}.
                    """),
            [BackerMessageKind.Refunded] = new(
                m => $"Refund of your pledge to {m.Title}",
                m => $"""
                    We refunded {m.Amount} to your card for your pledge to {m.Title}. Depending on your bank, it can take 5 to 10 days to appear on your statement.
                    """),
            [BackerMessageKind.Shipped] = new(
                m => $"Your {m.Title} order is on its way",
                m => $"""
                    Your order {m.Shipment!.Reference} for {m.Title} left the factory on {m.Shipment.ShippedAt}.

                    Carrier: {m.Shipment.Carrier}
                    Tracking number: {m.Shipment.TrackingNumber}

                    You can follow your order here:
                    {m.Link}
                    """),
        });

    private static string Before(MailModel m) => m.FixBy is { } fixBy ? $"before {fixBy}" : "as soon as possible";
}
