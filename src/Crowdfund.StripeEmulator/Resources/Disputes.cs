using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Resources;

internal sealed class DisputeRecord : StripeRecord
{
    public required long Amount { get; init; }

    public required string Currency { get; init; }

    public required string ChargeId { get; init; }

    public string? PaymentIntentId { get; init; }

    public required long DueBy { get; init; }

    public string Status { get; set; } = "needs_response";

    public string? Evidence { get; set; }

    public int Submissions { get; set; }

    public List<string> BalanceTransactionIds { get; } = [];
}

/// <summary>
/// <c>/v1/disputes</c>. The dispute test card's charge is disputed (reason <c>fraudulent</c>) right after it succeeds.
/// As on Stripe, submitting <c>evidence[uncategorized_text]=winning_evidence</c> or <c>losing_evidence</c> closes it
/// won or lost, and <c>POST /v1/disputes/{id}/close</c> accepts it (lost); <c>/_emulator/disputes/{id}/close</c> too.
/// </summary>
internal static class Disputes
{
    public static void Map(StripeApi api)
    {
        api.Get("/v1/disputes", List);
        api.Get("/v1/disputes/{id}", request => Render(request.Store, Find(request, request.Route("id"))));
        api.Post("/v1/disputes/{id}", Update);
        api.Post("/v1/disputes/{id}/close", request => Close(request, Find(request, request.Route("id")), won: false));
    }

    public static DisputeRecord Find(ApiRequest request, string id) =>
        request.Store.Disputes.TryGetValue(id, out var dispute) ? dispute : throw StripeErrors.ResourceMissing("dispute", id);

    /// <summary>The cardholder disputes the charge: the funds are withdrawn and <c>charge.dispute.created</c> follows.</summary>
    public static void Open(Operation operation, ChargeRecord charge)
    {
        var dispute = new DisputeRecord
        {
            Id = Ids.New("dp"),
            Created = operation.Now,
            Seq = operation.NextSeq(),
            Amount = charge.Amount,
            Currency = charge.Currency,
            ChargeId = charge.Id,
            PaymentIntentId = charge.PaymentIntentId,
            DueBy = operation.Now + 21 * 86400,
        };
        dispute.BalanceTransactionIds.Add(BalanceTransactions.Add(operation, dispute.Id, "adjustment", -charge.Amount, charge.Currency).Id);
        charge.Disputed = true;
        operation.Store.Disputes[dispute.Id] = dispute;
        operation.Emit("charge.dispute.created", Render(operation.Store, dispute));
    }

    /// <summary>Closes an open dispute, won (funds reinstated) or lost; <c>charge.dispute.closed</c> follows.</summary>
    public static JsonObject Close(Operation operation, DisputeRecord dispute, bool won)
    {
        if (dispute.Status is "won" or "lost")
        {
            throw StripeErrors.Invalid($"This dispute is already closed (status {dispute.Status}).", code: "dispute_already_closed");
        }
        var before = Render(operation.Store, dispute);
        dispute.Status = won ? "won" : "lost";
        if (won)
        {
            dispute.BalanceTransactionIds.Add(BalanceTransactions.Add(operation, dispute.Id, "adjustment", dispute.Amount, dispute.Currency).Id);
        }
        var rendered = Render(operation.Store, dispute);
        operation.Emit("charge.dispute.closed", rendered, Json.Changed(before, rendered));
        return rendered;
    }

    public static JsonObject Render(EmulatorStore store, DisputeRecord dispute)
    {
        var card = store.Charges.TryGetValue(dispute.ChargeId, out var charge) ? store.PaymentMethods[charge.PaymentMethodId].Card : null;
        return new JsonObject
        {
            ["id"] = dispute.Id,
            ["object"] = "dispute",
            ["amount"] = dispute.Amount,
            ["balance_transactions"] = new JsonArray(dispute.BalanceTransactionIds
                .Select(id => (JsonNode)BalanceTransactions.Render(store.BalanceTransactions[id])).ToArray()),
            ["charge"] = dispute.ChargeId,
            ["created"] = dispute.Created,
            ["currency"] = dispute.Currency,
            ["evidence"] = new JsonObject
            {
                ["customer_email_address"] = null,
                ["customer_name"] = null,
                ["product_description"] = null,
                ["uncategorized_text"] = dispute.Evidence,
            },
            ["evidence_details"] = new JsonObject
            {
                ["due_by"] = dispute.DueBy,
                ["has_evidence"] = dispute.Evidence is not null,
                ["past_due"] = false,
                ["submission_count"] = dispute.Submissions,
            },
            ["is_charge_refundable"] = false,
            ["livemode"] = false,
            ["metadata"] = Json.Map(dispute.Metadata),
            ["network_reason_code"] = "10.4",
            ["payment_intent"] = dispute.PaymentIntentId,
            ["payment_method_details"] = new JsonObject
            {
                ["card"] = new JsonObject { ["brand"] = card?.Brand, ["network_reason_code"] = "10.4" },
                ["type"] = "card",
            },
            ["reason"] = "fraudulent",
            ["status"] = dispute.Status,
        };
    }

    private static JsonNode Update(ApiRequest request)
    {
        var dispute = Find(request, request.Route("id"));
        request.ApplyMetadata(dispute.Metadata);
        var text = request.Object("evidence") is { } evidence ? request.Str("uncategorized_text", evidence) : null;
        if (text is null)
        {
            var rendered = Render(request.Store, dispute);
            request.Emit("charge.dispute.updated", rendered);
            return rendered;
        }
        if (dispute.Status is "won" or "lost")
        {
            throw StripeErrors.Invalid($"This dispute is already closed (status {dispute.Status}).", code: "dispute_already_closed");
        }
        dispute.Evidence = text;
        if (request.Bool("submit") ?? true) dispute.Submissions++;
        return text switch
        {
            "winning_evidence" => Close(request, dispute, won: true),
            "losing_evidence" => Close(request, dispute, won: false),
            _ => UnderReview(request, dispute),
        };
    }

    private static JsonObject UnderReview(ApiRequest request, DisputeRecord dispute)
    {
        if (dispute.Submissions > 0) dispute.Status = "under_review";
        var rendered = Render(request.Store, dispute);
        request.Emit("charge.dispute.updated", rendered);
        return rendered;
    }

    private static JsonNode List(ApiRequest request)
    {
        var chargeId = request.Str("charge");
        var intentId = request.Str("payment_intent");
        var disputes = request.Store.Disputes.Values
            .Where(d => (chargeId is null || d.ChargeId == chargeId) && (intentId is null || d.PaymentIntentId == intentId));
        return Lists.Page(request, disputes, "/v1/disputes", dispute => Render(request.Store, dispute));
    }
}
