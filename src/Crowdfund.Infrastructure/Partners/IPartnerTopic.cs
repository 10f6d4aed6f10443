using Crowdfund.Infrastructure.Messaging;

namespace Crowdfund.Infrastructure.Partners;

/// <summary>
/// What one partner topic adds to the plain delivery of its outbox rows: the body to send (by default the row's JSON
/// itself) and what to record once the partner took it. A batch's row, for one, holds only the batch's id, and its
/// body is read from the frozen orders when sent, so that the outbox never holds a second copy of 100,000 addresses.
/// </summary>
public interface IPartnerTopic
{
    string Topic { get; }

    /// <summary>The JSON to POST; the same bytes on every attempt of a row, since the partner dedups by its id.</summary>
    Task<byte[]> BodyAsync(OutboxDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Called after the partner answered 2xx (at least once per row; so idempotent).</summary>
    Task DeliveredAsync(OutboxDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>A topic whose row is the message: sent as stored, nothing recorded after.</summary>
public sealed class VerbatimPartnerTopic(string topic) : IPartnerTopic
{
    public string Topic => topic;

    public Task<byte[]> BodyAsync(OutboxDelivery delivery, CancellationToken cancellationToken) =>
        Task.FromResult(System.Text.Encoding.UTF8.GetBytes(delivery.Payload));

    public Task DeliveredAsync(OutboxDelivery delivery, CancellationToken cancellationToken) => Task.CompletedTask;
}
