namespace Crowdfund.Grains.Outbox;

/// <summary>
/// A message to deliver at least once, handed to a store together with the state change that causes it, so that
/// both commit in one transaction (a grain never dual-writes). <paramref name="Key"/> is unique and doubles as the
/// idempotency key of every delivery.
/// </summary>
/// <param name="PayloadJson">An <see cref="Messages.Outgoing.OutgoingMessage{T}"/> as JSON.</param>
public sealed record OutboxMessage(string Topic, string Key, string PayloadJson, DateTimeOffset CreatedAt)
{
    public static OutboxMessage Of<T>(Messages.Outgoing.OutgoingMessage<T> message) where T : class =>
        new(message.Type, message.Id, Messages.Outgoing.OutgoingJson.Serialize(message), message.OccurredAt);
}
