using System.Text.Json.Nodes;
using Crowdfund.StripeEmulator.State;

namespace Crowdfund.StripeEmulator.Resources;

/// <summary>Any stored object by its id, for <c>expand[]</c> and for error messages naming the kind of a missing id.</summary>
internal static class Objects
{
    public static string NameOf(string id) => Prefix(id) switch
    {
        "cus" => "customer",
        "pm" => "payment_method",
        "seti" => "setup_intent",
        "pi" => "payment_intent",
        "ch" or "py" => "charge",
        "re" => "refund",
        "dp" or "du" => "dispute",
        "evt" => "event",
        "txn" => "balance_transaction",
        _ => "object",
    };

    public static JsonObject? Render(EmulatorStore store, string id) => Prefix(id) switch
    {
        "cus" => store.Customers.TryGetValue(id, out var customer) ? Customers.Render(customer) : null,
        "pm" => store.PaymentMethods.TryGetValue(id, out var method) ? PaymentMethods.Render(method) : null,
        "seti" => store.SetupIntents.TryGetValue(id, out var setup) ? SetupIntents.Render(setup) : null,
        "pi" => store.PaymentIntents.TryGetValue(id, out var payment) ? PaymentIntents.Render(payment) : null,
        "ch" => store.Charges.TryGetValue(id, out var charge) ? Charges.Render(store, charge) : null,
        "re" => store.Refunds.TryGetValue(id, out var refund) ? Refunds.Render(refund) : null,
        "dp" => store.Disputes.TryGetValue(id, out var dispute) ? Disputes.Render(store, dispute) : null,
        "txn" => store.BalanceTransactions.TryGetValue(id, out var transaction) ? BalanceTransactions.Render(transaction) : null,
        _ => null,
    };

    private static string Prefix(string id)
    {
        var underscore = id.IndexOf('_');
        return underscore > 0 ? id[..underscore] : "";
    }
}
