using System.Text.Json;
using Crowdfund.Infrastructure.Messaging.Mail;
using Crowdfund.Messages;
using Crowdfund.Messages.Outgoing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Crowdfund.Infrastructure.Messaging.Backers;

/// <summary>
/// Delivers <c>backer.message</c> rows: reads the pledge and campaign as they are now, writes the message in the
/// backer's language, and mails it.
/// </summary>
public sealed partial class BackerMessageHandler(
    BackerFactsReader reader,
    IMailSender sender,
    IBackerLinks links,
    IOptions<MailOptions> options,
    ILogger<BackerMessageHandler> logger) : IOutboxHandler
{
    public string Topic => BackerMessageV1.Type;

    public async Task DeliverAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        var envelope = Read(delivery.Payload);
        var message = envelope.Data;
        var facts = await reader.ReadAsync(message.PledgeId, cancellationToken)
                    ?? throw new OutboxDeliveryException("no such pledge", permanent: true);
        if (Outdated(message.Kind, facts.Status))
        {
            LogOutdated(logger, delivery.Id, message.Kind, facts.Status);
            return;
        }
        var mail = BackerMail.Render(message, facts, links.PledgePage(message.PledgeId));
        await sender.SendAsync(BackerMail.Compose(mail, facts, options.Value.Sender, delivery.Key, envelope.OccurredAt), cancellationToken);
    }

    /// <summary>
    /// A request to fix a charge goes out only while the charge still needs fixing: one held back by a mail outage
    /// must not reach the backer after the pledge was collected, dropped or refunded meanwhile.
    /// </summary>
    internal static bool Outdated(BackerMessageKind kind, PledgeStatus status) =>
        kind is BackerMessageKind.PaymentFailed or BackerMessageKind.ActionRequired
        && status is not (PledgeStatus.PaymentFailed or PledgeStatus.ActionRequired);

    private static OutgoingMessage<BackerMessageV1> Read(string payload)
    {
        OutgoingMessage<BackerMessageV1>? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<OutgoingMessage<BackerMessageV1>>(payload, OutgoingJson.Options);
        }
        catch (JsonException)
        {
            throw new OutboxDeliveryException("unreadable payload", permanent: true);
        }
        if (envelope is not { Version: BackerMessageV1.Version, Data: not null })
            throw new OutboxDeliveryException($"unknown message version {envelope?.Version}", permanent: true);
        return envelope;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox row {Id}: {Kind} not sent, the pledge is {Status} now")]
    private static partial void LogOutdated(ILogger logger, long id, BackerMessageKind kind, PledgeStatus status);
}
