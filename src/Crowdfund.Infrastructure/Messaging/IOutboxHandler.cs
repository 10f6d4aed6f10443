namespace Crowdfund.Infrastructure.Messaging;

/// <summary>
/// Delivers the outbox rows of one topic (the backers' mail now, the partner's webhooks next). The
/// <see cref="OutboxDispatcher"/> claims the rows of every topic that has a handler, calls it through a resilience
/// pipeline of that topic, and marks the row dispatched once it returns.
/// </summary>
public interface IOutboxHandler
{
    /// <summary>The outbox topic (the envelope's type) this handler delivers, such as <c>backer.message</c>.</summary>
    string Topic { get; }

    /// <summary>
    /// Delivers one row. Returning means delivered (or deliberately not sent); throwing means try again later, unless
    /// it is an <see cref="OutboxDeliveryException"/> that says the row can never be delivered. A row may be handed over
    /// again after a crash between the delivery and its mark, so a delivery carries <see cref="OutboxDelivery.Key"/>
    /// for the receiver to recognise it.
    /// </summary>
    Task DeliverAsync(OutboxDelivery delivery, CancellationToken cancellationToken);

    /// <summary>
    /// Who receives the row, when a topic has several receivers that fail independently (each partner's endpoint):
    /// each gets a circuit of its own. Empty (one circuit for the topic) by default.
    /// </summary>
    string RecipientOf(OutboxDelivery delivery) => "";
}

/// <summary>One claimed outbox row.</summary>
/// <param name="Key">Unique per message, the same on every attempt: the idempotency key of its delivery.</param>
/// <param name="Payload">The envelope as JSON.</param>
/// <param name="Attempts">Failed attempts before this one.</param>
public sealed record OutboxDelivery(long Id, string Topic, string Key, string Payload, DateTimeOffset CreatedAt, int Attempts);

/// <summary>
/// A delivery that failed for a reason that can be stored and logged: <see cref="Exception.Message"/> is short and
/// holds no personal data (no address, no name), since it goes to the outbox's <c>last_error</c> and to the logs.
/// </summary>
/// <param name="permanent">True when trying again cannot help (no such pledge, the recipient refused for good): the row is parked.</param>
/// <param name="notReady">
/// True when the row cannot go yet for a reason on our side (no partner linked to its campaign): it waits its backoff
/// like any failed turn, but is not retried in place and does not count against the recipient's circuit, which one
/// row waiting for a link must not open for every other row of its topic.
/// </param>
public sealed class OutboxDeliveryException(string reason, bool permanent, Exception? inner = null, bool notReady = false)
    : Exception(reason, inner)
{
    public bool Permanent { get; } = permanent;

    public bool NotReady { get; } = notReady;
}
