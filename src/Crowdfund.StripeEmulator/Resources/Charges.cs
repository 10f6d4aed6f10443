using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Cards;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Resources;

internal sealed class ChargeRecord : StripeRecord
{
    public required long Amount { get; init; }

    public required string Currency { get; init; }

    public required string Status { get; init; }

    public required string PaymentMethodId { get; init; }

    public string? PaymentIntentId { get; init; }

    public string? CustomerId { get; init; }

    public string? Description { get; set; }

    public string? ReceiptEmail { get; init; }

    public Decline? Decline { get; init; }

    public long AmountRefunded { get; set; }

    public bool Disputed { get; set; }

    public string? BalanceTransactionId { get; set; }

    public long AmountCaptured => Status == "succeeded" ? Amount : 0;

    public bool Refunded => Status == "succeeded" && AmountRefunded >= Amount;
}

/// <summary><c>/v1/charges</c>: read-only here; charges are made by PaymentIntents, one per attempt that reached the issuer.</summary>
internal static class Charges
{
    public static void Map(StripeApi api)
    {
        api.Get("/v1/charges", List);
        api.Get("/v1/charges/{id}", request => Render(request.Store, Find(request, request.Route("id"))));
        api.Post("/v1/charges/{id}", Update);
    }

    public static ChargeRecord Find(ApiRequest request, string id, string param = "id") =>
        request.Store.Charges.TryGetValue(id, out var charge) ? charge : throw StripeErrors.ResourceMissing("charge", id, param);

    /// <summary>A charge for one attempt, succeeded (with its balance transaction) or failed with the decline.</summary>
    public static ChargeRecord Create(Operation operation, PaymentIntentRecord intent, PaymentMethodRecord method, Decline? decline)
    {
        var charge = new ChargeRecord
        {
            Id = Ids.New("ch"),
            Created = operation.Now,
            Seq = operation.NextSeq(),
            Amount = intent.Amount,
            Currency = intent.Currency,
            Status = decline is null ? "succeeded" : "failed",
            PaymentMethodId = method.Id,
            PaymentIntentId = intent.Id,
            CustomerId = intent.CustomerId,
            Description = intent.Description,
            ReceiptEmail = intent.ReceiptEmail,
            Decline = decline,
            Metadata = new Dictionary<string, string>(intent.Metadata),
        };
        if (decline is null) charge.BalanceTransactionId = BalanceTransactions.Add(operation, charge.Id, "charge", charge.Amount, charge.Currency).Id;
        operation.Store.Charges[charge.Id] = charge;
        operation.Emit(decline is null ? "charge.succeeded" : "charge.failed", Render(operation.Store, charge));
        return charge;
    }

    public static JsonObject Render(EmulatorStore store, ChargeRecord charge)
    {
        var method = store.PaymentMethods[charge.PaymentMethodId];
        var methodJson = PaymentMethods.Render(method);
        return new JsonObject
        {
            ["id"] = charge.Id,
            ["object"] = "charge",
            ["amount"] = charge.Amount,
            ["amount_captured"] = charge.AmountCaptured,
            ["amount_refunded"] = charge.AmountRefunded,
            ["application"] = null,
            ["application_fee"] = null,
            ["application_fee_amount"] = null,
            ["balance_transaction"] = charge.BalanceTransactionId,
            ["billing_details"] = methodJson["billing_details"]!.DeepClone(),
            ["calculated_statement_descriptor"] = "CROWDFUND EMULATOR",
            ["captured"] = charge.Status == "succeeded",
            ["created"] = charge.Created,
            ["currency"] = charge.Currency,
            ["customer"] = charge.CustomerId,
            ["description"] = charge.Description,
            ["disputed"] = charge.Disputed,
            ["failure_balance_transaction"] = null,
            ["failure_code"] = charge.Decline?.Code,
            ["failure_message"] = charge.Decline?.Message,
            ["fraud_details"] = new JsonObject(),
            ["livemode"] = false,
            ["metadata"] = Json.Map(charge.Metadata),
            ["on_behalf_of"] = null,
            ["outcome"] = Outcome(charge.Decline),
            ["paid"] = charge.Status == "succeeded",
            ["payment_intent"] = charge.PaymentIntentId,
            ["payment_method"] = charge.PaymentMethodId,
            ["payment_method_details"] = new JsonObject
            {
                ["card"] = new JsonObject
                {
                    ["amount_authorized"] = charge.Status == "succeeded" ? charge.Amount : null,
                    ["brand"] = method.Card.Brand,
                    ["checks"] = methodJson["card"]!["checks"]!.DeepClone(),
                    ["country"] = "US",
                    ["exp_month"] = method.ExpMonth,
                    ["exp_year"] = method.ExpYear,
                    ["fingerprint"] = methodJson["card"]!["fingerprint"]!.DeepClone(),
                    ["funding"] = method.Card.Funding,
                    ["last4"] = method.Card.Last4,
                    ["network"] = method.Card.Brand,
                    ["three_d_secure"] = null,
                    ["wallet"] = null,
                },
                ["type"] = "card",
            },
            ["receipt_email"] = charge.ReceiptEmail,
            ["receipt_url"] = null,
            ["refunded"] = charge.Refunded,
            ["review"] = null,
            ["shipping"] = null,
            ["source_transfer"] = null,
            ["statement_descriptor"] = null,
            ["statement_descriptor_suffix"] = null,
            ["status"] = charge.Status,
            ["transfer_data"] = null,
            ["transfer_group"] = null,
        };
    }

    private static JsonObject Outcome(Decline? decline) => decline is null
        ? new JsonObject
        {
            ["network_status"] = "approved_by_network",
            ["reason"] = null,
            ["risk_level"] = "normal",
            ["risk_score"] = 20,
            ["seller_message"] = "Payment complete.",
            ["type"] = "authorized",
        }
        : new JsonObject
        {
            ["network_status"] = "declined_by_network",
            ["reason"] = decline.DeclineCode,
            ["risk_level"] = "normal",
            ["risk_score"] = 20,
            ["seller_message"] = decline.DeclineCode == "generic_decline"
                ? "The bank did not return any further details with this decline."
                : $"The bank returned the decline code `{decline.DeclineCode}`.",
            ["type"] = "issuer_declined",
        };

    private static JsonNode Update(ApiRequest request)
    {
        var charge = Find(request, request.Route("id"));
        var before = Render(request.Store, charge);
        if (request.Has("description")) charge.Description = request.Str("description");
        request.ApplyMetadata(charge.Metadata);
        var rendered = Render(request.Store, charge);
        request.Emit("charge.updated", rendered, Json.Changed(before, rendered));
        return rendered;
    }

    private static JsonNode List(ApiRequest request)
    {
        var customerId = request.Str("customer");
        var intentId = request.Str("payment_intent");
        var charges = request.Store.Charges.Values
            .Where(c => (customerId is null || c.CustomerId == customerId) && (intentId is null || c.PaymentIntentId == intentId));
        return Lists.Page(request, charges, "/v1/charges", charge => Render(request.Store, charge));
    }
}
