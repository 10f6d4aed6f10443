using System.Globalization;
using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Resources;

internal sealed class RefundRecord : StripeRecord
{
    public required long Amount { get; init; }

    public required string Currency { get; init; }

    public required string ChargeId { get; init; }

    public string? PaymentIntentId { get; init; }

    public string? Reason { get; init; }

    public string? BalanceTransactionId { get; set; }
}

/// <summary>
/// <c>/v1/refunds</c>: by <c>charge</c> or <c>payment_intent</c>, whole or partial, never more than what is left of
/// the charge; refunds succeed at once.
/// </summary>
internal static class Refunds
{
    public static void Map(StripeApi api)
    {
        api.Post("/v1/refunds", Create);
        api.Get("/v1/refunds", List);
        api.Get("/v1/refunds/{id}", request => Render(Find(request)));
        api.Post("/v1/refunds/{id}", Update);
    }

    public static JsonObject Render(RefundRecord refund) => new()
    {
        ["id"] = refund.Id,
        ["object"] = "refund",
        ["amount"] = refund.Amount,
        ["balance_transaction"] = refund.BalanceTransactionId,
        ["charge"] = refund.ChargeId,
        ["created"] = refund.Created,
        ["currency"] = refund.Currency,
        ["metadata"] = Json.Map(refund.Metadata),
        ["payment_intent"] = refund.PaymentIntentId,
        ["reason"] = refund.Reason,
        ["receipt_number"] = null,
        ["source_transfer_reversal"] = null,
        ["status"] = "succeeded",
        ["transfer_reversal"] = null,
    };

    private static RefundRecord Find(ApiRequest request) =>
        request.Store.Refunds.TryGetValue(request.Route("id"), out var refund) ? refund : throw StripeErrors.ResourceMissing("refund", request.Route("id"));

    private static JsonNode Create(ApiRequest request)
    {
        var charge = ChargeToRefund(request);
        var reason = request.Str("reason");
        if (reason is not (null or "duplicate" or "fraudulent" or "requested_by_customer"))
        {
            throw StripeErrors.ParameterInvalid("reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer");
        }
        if (charge.Status != "succeeded")
        {
            throw StripeErrors.Invalid($"Charge {charge.Id} has a status of {charge.Status} and cannot be refunded.", "charge");
        }
        if (charge.Disputed)
        {
            throw StripeErrors.Invalid($"Charge {charge.Id} has been charged back; cannot issue a refund.", "charge", "charge_disputed");
        }
        var left = charge.AmountCaptured - charge.AmountRefunded;
        if (left <= 0)
        {
            throw StripeErrors.Invalid($"Charge {charge.Id} has already been refunded.", "charge", "charge_already_refunded");
        }
        var amount = request.Long("amount") ?? left;
        if (amount < 1) throw StripeErrors.ParameterInvalid("amount", $"Invalid positive integer: {amount}", "parameter_invalid_integer");
        if (amount > left)
        {
            throw StripeErrors.Invalid($"Refund amount ({Money(amount, charge.Currency)}) is greater than unrefunded amount on charge ({Money(left, charge.Currency)})", "amount");
        }

        var refund = new RefundRecord
        {
            Id = Ids.New("re"),
            Created = request.Now,
            Seq = request.NextSeq(),
            Amount = amount,
            Currency = charge.Currency,
            ChargeId = charge.Id,
            PaymentIntentId = charge.PaymentIntentId,
            Reason = reason,
        };
        request.ApplyMetadata(refund.Metadata);
        refund.BalanceTransactionId = BalanceTransactions.Add(request, refund.Id, "refund", -amount, charge.Currency).Id;
        request.Store.Refunds[refund.Id] = refund;

        var previous = new JsonObject { ["amount_refunded"] = charge.AmountRefunded, ["refunded"] = charge.Refunded };
        charge.AmountRefunded += amount;
        var rendered = Render(refund);
        request.Emit("refund.created", rendered);
        request.Emit("charge.refunded", Charges.Render(request.Store, charge), previous);
        return rendered;
    }

    private static ChargeRecord ChargeToRefund(ApiRequest request)
    {
        var chargeId = request.Str("charge");
        var intentId = request.Str("payment_intent");
        if (chargeId is null && intentId is null)
        {
            throw StripeErrors.Invalid("One of the following params should be provided for this request: charge or payment_intent.", stored: false);
        }
        if (intentId is null) return Charges.Find(request, chargeId!, "charge");

        if (!request.Store.PaymentIntents.TryGetValue(intentId, out var intent)) throw StripeErrors.ResourceMissing("payment_intent", intentId, "payment_intent");
        if (intent.Status != "succeeded" || intent.LatestChargeId is null)
        {
            throw StripeErrors.Invalid($"This PaymentIntent ({intentId}) does not have a successful charge to refund.", "payment_intent");
        }
        if (chargeId is not null && chargeId != intent.LatestChargeId)
        {
            throw StripeErrors.Invalid($"The charge {chargeId} does not belong to the PaymentIntent {intentId}.", "charge", stored: false);
        }
        return request.Store.Charges[intent.LatestChargeId];
    }

    private static JsonNode Update(ApiRequest request)
    {
        var refund = Find(request);
        request.ApplyMetadata(refund.Metadata);
        var rendered = Render(refund);
        request.Emit("refund.updated", rendered);
        return rendered;
    }

    private static JsonNode List(ApiRequest request)
    {
        var chargeId = request.Str("charge");
        var intentId = request.Str("payment_intent");
        var refunds = request.Store.Refunds.Values
            .Where(r => (chargeId is null || r.ChargeId == chargeId) && (intentId is null || r.PaymentIntentId == intentId));
        return Lists.Page(request, refunds, "/v1/refunds", Render);
    }

    private static string Money(long minorUnits, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{minorUnits / 100m:0.00} {currency.ToUpperInvariant()}");
}
