using System.Globalization;
using System.Net;
using Crowdfund.Grains.Payments;
using Stripe;
// Stripe.net has a ChargeOutcome of its own (a charge's risk outcome).
using ChargeOutcome = Crowdfund.Grains.Payments.ChargeOutcome;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>Charging a saved card off-session, finding a charge again, refunding it, and letting the card go.</summary>
public sealed partial class StripeGateway
{
    // Stripe's code and decline code for an off-session charge that needs the card holder.
    private const string AuthenticationRequired = "authentication_required";

    public async Task<ChargeResult> ChargeAsync(ChargeRequest charge, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(charge);
        ArgumentException.ThrowIfNullOrWhiteSpace(charge.CustomerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(charge.PaymentMethodId);
        ArgumentException.ThrowIfNullOrWhiteSpace(charge.Currency);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(charge.Amount);
        ArgumentNullException.ThrowIfNull(charge.Metadata);
        CheckKey(idempotencyKey);
        var create = new PaymentIntentCreateOptions
        {
            Amount = charge.Amount,
            Currency = charge.Currency.ToLowerInvariant(),
            Customer = charge.CustomerId,
            PaymentMethod = charge.PaymentMethodId,
            OffSession = true,
            Confirm = true,
            AllowedPaymentMethodTypes = ["card"],
            Metadata = new Dictionary<string, string>(charge.Metadata),
        };
        return await CallAsync("create payment intent", idempotencyKey, async (client, request, token) =>
        {
            try
            {
                return ToCharge(await client.V1.PaymentIntents.CreateAsync(create, request, token));
            }
            catch (StripeException declined) when (declined.HttpStatusCode == HttpStatusCode.PaymentRequired
                && declined.StripeError?.PaymentIntent is { } intent)
            {
                // The bank's refusal is an answer about the payment, not a failed call. Mapped here, inside the attempt,
                // so that a retry meeting Stripe's stored 402 under the same key maps the same way, and the pipeline
                // sees a success: nothing to retry, nothing for the circuit to count.
                return ToCharge(intent, declined.StripeError);
            }
        }, cancellationToken);
    }

    public async Task<ChargeResult?> FindChargeAsync(string customerId, Guid pledgeId, int attempt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(customerId);
        var options = new PaymentIntentListOptions { Customer = customerId, Limit = PageSize };
        var pledge = pledgeId.ToString();
        var number = attempt.ToString(CultureInfo.InvariantCulture);
        // Newest first: should one attempt have made two payments, the one that counts is the latest.
        await foreach (var intent in ListAsync("list payment intents", options,
                           (client, page, request, token) => client.V1.PaymentIntents.ListAsync(page, request, token), cancellationToken))
        {
            if (intent.Metadata?.GetValueOrDefault(PaymentMetadata.PledgeId) == pledge
                && intent.Metadata.GetValueOrDefault(PaymentMetadata.ChargeAttempt) == number)
                return ToCharge(intent);
        }
        return null;
    }

    public async Task<RefundResult> RefundAsync(string paymentIntentId, long amount, IReadOnlyDictionary<string, string> metadata,
        string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(paymentIntentId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amount);
        ArgumentNullException.ThrowIfNull(metadata);
        CheckKey(idempotencyKey);
        var create = new RefundCreateOptions
        {
            PaymentIntent = paymentIntentId,
            Amount = amount,
            Metadata = new Dictionary<string, string>(metadata),
        };
        var refund = await CallAsync("create refund", idempotencyKey,
            (client, request, token) => client.V1.Refunds.CreateAsync(create, request, token), cancellationToken);
        return new RefundResult(refund.Id, refund.Amount, refund.Currency.ToUpperInvariant(), refund.Status);
    }

    public async Task DetachCardAsync(string paymentMethodId, string idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(paymentMethodId);
        CheckKey(idempotencyKey);
        var refused = await CallAsync("detach payment method", idempotencyKey, async (client, request, token) =>
        {
            try
            {
                await client.V1.PaymentMethods.DetachAsync(paymentMethodId, null, request, token);
                return null;
            }
            catch (StripeException invalid) when (invalid.HttpStatusCode == HttpStatusCode.BadRequest
                && invalid.StripeError?.Type == "invalid_request_error")
            {
                return invalid;
            }
        }, cancellationToken);
        if (refused is null) return;
        // Stripe refuses to detach a card that no customer holds, in a sentence rather than a code: ask the card itself
        // whether that is why, so that a release repeated under a new key counts as done.
        var card = await ReadAsync("retrieve payment method",
            (client, request, token) => client.V1.PaymentMethods.GetAsync(paymentMethodId, null, request, token), cancellationToken);
        if (card.CustomerId is null) return;
        throw new PaymentGatewayException($"Stripe refused detach payment method: {StripeFailures.Describe(refused)}.", refused.StripeError?.Code);
    }

    /// <summary>
    /// A payment as the grains see it. Stripe's statuses: <c>succeeded</c>; <c>processing</c> (its events will settle
    /// it); <c>requires_action</c> (on-session only); <c>requires_payment_method</c> after a decline, where an off-session
    /// charge that needs the holder is declined with <c>authentication_required</c> and the backer confirms the same
    /// payment on-session; <c>canceled</c>.
    /// </summary>
    /// <param name="error">The card error of a 402, which is also the payment's <c>last_payment_error</c>.</param>
    private static ChargeResult ToCharge(PaymentIntent intent, StripeError? error = null)
    {
        var failure = error ?? intent.LastPaymentError;
        var asksHolder = failure is not null
            && (failure.Code == AuthenticationRequired || failure.DeclineCode == AuthenticationRequired);
        var outcome = intent.Status switch
        {
            "succeeded" => ChargeOutcome.Succeeded,
            "processing" => ChargeOutcome.Pending,
            "requires_action" => ChargeOutcome.ActionRequired,
            "requires_payment_method" when asksHolder => ChargeOutcome.ActionRequired,
            "requires_payment_method" or "canceled" => ChargeOutcome.Declined,
            // requires_confirmation, requires_capture: a confirmed charge with automatic capture never stops there.
            var other => throw new PaymentGatewayException(
                $"Stripe holds payment {intent.Id} in status {other}, which a confirmed, automatically captured charge never has."),
        };
        return new ChargeResult(outcome, intent.Id,
            outcome == ChargeOutcome.ActionRequired ? intent.ClientSecret : null,
            intent.LatestChargeId, intent.Amount, intent.AmountReceived, intent.Currency.ToUpperInvariant(),
            outcome == ChargeOutcome.Succeeded ? null : failure?.Code,
            outcome == ChargeOutcome.Succeeded ? null : failure?.DeclineCode);
    }
}
