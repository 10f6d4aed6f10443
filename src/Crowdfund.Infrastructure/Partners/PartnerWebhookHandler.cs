using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Crowdfund.Infrastructure.Messaging;
using Microsoft.Extensions.Logging;

namespace Crowdfund.Infrastructure.Partners;

/// <summary>
/// Delivers one partner topic's outbox rows: POSTs the message's JSON to the webhook of the partner that
/// manufactures its campaign, signed (<see cref="PartnerSignature"/>), with the message's id as Idempotency-Key. The
/// dispatcher wraps each delivery in the topic's pipeline (retries with backoff, a circuit breaker, a timeout) and a
/// failed row waits in the table with a growing backoff, so a partner down for hours gets everything once it is back.
/// </summary>
/// <remarks>
/// The message's id, not the row's key, is the Idempotency-Key: a batch sent again because it was never acknowledged
/// is a new row, and must still be recognised by the partner as the batch it has already processed.
/// </remarks>
public sealed partial class PartnerWebhookHandler(
    IPartnerTopic partnerTopic,
    PartnerStore partners,
    IHttpClientFactory clients,
    ILogger<PartnerWebhookHandler> logger) : IOutboxHandler
{
    public const string HttpClientName = "partner-webhooks";
    public const string EventHeader = "Crowdfund-Event";

    public string Topic => partnerTopic.Topic;

    public async Task DeliverAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        var (messageId, campaignId) = Read(delivery.Payload);
        // Not linked yet: the row waits (with backoff) and linking the campaign wakes it (PartnerStore.LinkAsync).
        var endpoint = await partners.EndpointOfCampaignAsync(campaignId)
                       ?? throw new OutboxDeliveryException("no partner manufactures the campaign yet", permanent: false, notReady: true);
        var body = await partnerTopic.BodyAsync(delivery, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.WebhookUrl)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        // The wall clock, whatever clock the domain runs on: the partner checks the timestamp against its own.
        request.Headers.Add(PartnerSignature.Header, PartnerSignature.Sign(endpoint.SigningSecret, TimeProvider.System.GetUtcNow(), body));
        request.Headers.Add("Idempotency-Key", messageId);
        request.Headers.Add(EventHeader, Topic);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException failure)
        {
            // The message holds no personal data, but the URL may hold a partner's token: name only the kind of failure.
            throw new OutboxDeliveryException($"partner unreachable ({failure.HttpRequestError})", permanent: false, failure);
        }
        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                LogDelivered(logger, Topic, messageId, endpoint.PartnerId, (int)response.StatusCode);
                await partnerTopic.DeliveredAsync(delivery, cancellationToken);
                return;
            }
            // Every refusal is worth trying again later: a partner answering 401 has a secret to fix, a 400 a parser;
            // the row backs off, and is parked (kept, visible) after the outbox's last attempt.
            throw new OutboxDeliveryException($"partner answered {(int)response.StatusCode}",
                permanent: response.StatusCode == HttpStatusCode.Gone);
        }
    }

    /// <summary>The campaign: its partner's endpoint gets a circuit of its own (a campaign has one partner).</summary>
    public string RecipientOf(OutboxDelivery delivery)
    {
        try
        {
            return Read(delivery.Payload).CampaignId;
        }
        catch (OutboxDeliveryException)
        {
            return ""; // An unreadable row is parked by its delivery; any circuit will do until then.
        }
    }

    private static (string MessageId, string CampaignId) Read(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            return (root.GetProperty("id").GetString()!, root.GetProperty("data").GetProperty("campaignId").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new OutboxDeliveryException("unreadable payload", permanent: true);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Partner webhook {Topic} {MessageId} delivered to {PartnerId}: {Status}")]
    private static partial void LogDelivered(ILogger logger, string topic, string messageId, string partnerId, int status);
}
