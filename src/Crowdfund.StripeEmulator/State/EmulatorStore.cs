using Crowdfund.StripeEmulator.Resources;

namespace Crowdfund.StripeEmulator.State;

/// <summary>
/// Everything the emulator holds, in memory. One lock guards it all: a request touches several objects at once
/// (a confirm makes a charge, attaches a card and records events), and one lock keeps those steps atomic without
/// any ordering rules between locks. Throughput is far beyond what a test or Stripe's own rate limit needs.
/// </summary>
internal sealed class EmulatorStore
{
    private long seq;

    public Lock Gate { get; } = new();

    public Dictionary<string, CustomerRecord> Customers { get; } = [];

    public Dictionary<string, PaymentMethodRecord> PaymentMethods { get; } = [];

    public Dictionary<string, SetupIntentRecord> SetupIntents { get; } = [];

    public Dictionary<string, PaymentIntentRecord> PaymentIntents { get; } = [];

    public Dictionary<string, ChargeRecord> Charges { get; } = [];

    public Dictionary<string, RefundRecord> Refunds { get; } = [];

    public Dictionary<string, DisputeRecord> Disputes { get; } = [];

    public Dictionary<string, BalanceTransactionRecord> BalanceTransactions { get; } = [];

    /// <summary>Events in creation order.</summary>
    public List<EventRecord> Events { get; } = [];

    public Dictionary<string, EventRecord> EventsById { get; } = [];

    /// <summary>Pending 3-D Secure challenges: the token in the test page's URL → the intent waiting on it.</summary>
    public Dictionary<string, string> Challenges { get; } = [];

    public long NextSeq() => Interlocked.Increment(ref seq);

    public void Clear()
    {
        Customers.Clear();
        PaymentMethods.Clear();
        SetupIntents.Clear();
        PaymentIntents.Clear();
        Charges.Clear();
        Refunds.Clear();
        Disputes.Clear();
        BalanceTransactions.Clear();
        Events.Clear();
        EventsById.Clear();
        Challenges.Clear();
    }
}
