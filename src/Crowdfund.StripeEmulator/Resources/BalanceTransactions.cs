using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.Http;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Resources;

internal sealed class BalanceTransactionRecord : StripeRecord
{
    public required long Amount { get; init; }

    public required long Fee { get; init; }

    public required string Currency { get; init; }

    public required string Type { get; init; }

    public required string SourceId { get; init; }

    public long Net => Amount - Fee;
}

/// <summary>
/// <c>/v1/balance_transactions/{id}</c>: the money side of charges (fee 2.9 % + 30 minor units, a fixed model
/// rather than any real pricing), refunds and lost disputes.
/// </summary>
internal static class BalanceTransactions
{
    public static void Map(StripeApi api) =>
        api.Get("/v1/balance_transactions/{id}", request =>
            request.Store.BalanceTransactions.TryGetValue(request.Route("id"), out var transaction)
                ? Render(transaction)
                : throw StripeErrors.ResourceMissing("balance_transaction", request.Route("id")));

    public static BalanceTransactionRecord Add(Operation operation, string sourceId, string type, long amount, string currency)
    {
        var transaction = new BalanceTransactionRecord
        {
            Id = Ids.New("txn"),
            Created = operation.Now,
            Seq = operation.NextSeq(),
            Amount = amount,
            Fee = type == "charge" ? (long)Math.Round(amount * 0.029m, MidpointRounding.AwayFromZero) + 30 : 0,
            Currency = currency,
            Type = type,
            SourceId = sourceId,
        };
        operation.Store.BalanceTransactions[transaction.Id] = transaction;
        return transaction;
    }

    public static JsonObject Render(BalanceTransactionRecord transaction) => new()
    {
        ["id"] = transaction.Id,
        ["object"] = "balance_transaction",
        ["amount"] = transaction.Amount,
        ["available_on"] = transaction.Created + 2 * 86400,
        ["created"] = transaction.Created,
        ["currency"] = transaction.Currency,
        ["description"] = null,
        ["exchange_rate"] = null,
        ["fee"] = transaction.Fee,
        ["fee_details"] = transaction.Fee == 0 ? new JsonArray() : new JsonArray(new JsonObject
        {
            ["amount"] = transaction.Fee,
            ["application"] = null,
            ["currency"] = transaction.Currency,
            ["description"] = "Stripe processing fees",
            ["type"] = "stripe_fee",
        }),
        ["net"] = transaction.Net,
        ["reporting_category"] = transaction.Type == "adjustment" ? "dispute" : transaction.Type,
        ["source"] = transaction.SourceId,
        ["status"] = "pending",
        ["type"] = transaction.Type,
    };
}
