using Crowdfund.Grains.Payments;
using Crowdfund.Messages;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>A pledge's money as the ledger holds it.</summary>
/// <param name="Status">The pledge's status, by name ("Collected").</param>
/// <param name="PaymentIntentId">The provider's payment of the pledge's latest charge attempt, if it got one.</param>
/// <param name="Disputed">What its disputes hold back (open or lost, <see cref="DisputeStatuses.TakesMoney"/>);
/// <paramref name="DisputeStatus"/> the latest one's status.</param>
public sealed record LedgerPledge(Guid PledgeId, string Status, string Currency, int ChargeAttempt, string? PaymentIntentId,
    long Collected, long Refunded, long Disputed, string? DisputeStatus);

/// <summary>Money in one currency, in minor units. Fees are the provider's, null where nobody says.</summary>
public sealed record MoneyTotals(long Collected, long Refunded, long Disputed, long? Fees);

/// <summary>One currency's totals on both sides, and the provider's minus the ledger's.</summary>
public sealed record CurrencyTotals(string Currency, MoneyTotals Ledger, MoneyTotals Provider, MoneyTotals Difference);

/// <summary>How a pledge's two sides disagree.</summary>
public enum PledgeDifference
{
    /// <summary>The ledger holds the pledge as collected (or refunded, disputed) but no payment of it succeeded at the provider.</summary>
    NotPaidAtProvider,

    /// <summary>A payment of the pledge succeeded at the provider but the ledger does not hold it as collected.</summary>
    NotCollectedInLedger,

    /// <summary>More than one payment of the pledge succeeded: the backer was charged twice.</summary>
    ChargedMoreThanOnce,

    /// <summary>What the ledger says was collected is not what the provider took.</summary>
    CollectedDiffers,

    RefundedDiffers,

    DisputedDiffers,

    CurrencyDiffers,

    /// <summary>The ledger's payment of the latest attempt is not the one that succeeded at the provider.</summary>
    PaymentDiffers,

    /// <summary>The provider holds a payment for a pledge the ledger does not have in this campaign.</summary>
    UnknownPledge,
}

/// <summary>A pledge's money as the provider holds it, over all its payments.</summary>
/// <param name="PaymentIntentId">The payment that counts: the latest that succeeded, else the latest attempt;
/// <paramref name="Status"/> and <paramref name="Attempt"/> are that payment's.</param>
/// <param name="Payments">How many payments the provider holds for the pledge; <paramref name="Succeeded"/> how many succeeded.</param>
public sealed record ProviderPledge(string PaymentIntentId, string Status, int Attempt, string Currency, long Collected,
    long Refunded, long Disputed, long? Fees, string? DisputeStatus, int Payments, int Succeeded);

/// <summary>A pledge whose two sides disagree, with both sides (either may be missing).</summary>
public sealed record PledgeReconciliation(Guid PledgeId, IReadOnlyList<PledgeDifference> Differences, LedgerPledge? Ledger,
    ProviderPledge? Provider);

/// <summary>
/// The ledger against the provider for one campaign's payments since <paramref name="Since"/>: totals per currency and
/// every pledge whose two sides disagree. <paramref name="Balanced"/> when there is none and every difference is zero.
/// </summary>
public sealed record ReconciliationReport(string CampaignId, DateTimeOffset Since, DateTimeOffset At, bool Balanced,
    IReadOnlyList<CurrencyTotals> Currencies, IReadOnlyList<PledgeReconciliation> Pledges);

/// <summary>The comparison itself, from both sides as read: no I/O, so that every kind of disagreement is tested alone.</summary>
public static class Reconciliation
{
    private static readonly HashSet<string> HoldsCollected =
        [nameof(PledgeStatus.Collected), nameof(PledgeStatus.PartiallyRefunded), nameof(PledgeStatus.Refunded), nameof(PledgeStatus.Disputed)];

    private const string Succeeded = "succeeded";

    public static ReconciliationReport Compare(string campaignId, DateTimeOffset since, DateTimeOffset at,
        IReadOnlyCollection<LedgerPledge> ledger, IReadOnlyCollection<ProviderPayment> provider)
    {
        var ledgerById = ledger.ToDictionary(p => p.PledgeId);
        var providerById = provider.GroupBy(p => p.PledgeId).ToDictionary(g => g.Key, g => g.ToList());
        var pledges = new List<PledgeReconciliation>();
        foreach (var id in ledgerById.Keys.Union(providerById.Keys).Order())
        {
            var held = ledgerById.GetValueOrDefault(id);
            var paid = providerById.TryGetValue(id, out var payments) ? Summarize(payments) : null;
            var differences = Differences(held, paid);
            if (differences.Count > 0) pledges.Add(new PledgeReconciliation(id, differences, held, paid));
        }

        var ledgerTotals = ledger.GroupBy(p => Iso(p.Currency)).ToDictionary(g => g.Key,
            g => new MoneyTotals(g.Sum(p => p.Collected), g.Sum(p => p.Refunded), g.Sum(p => p.Disputed), null));
        var providerTotals = provider.GroupBy(p => Iso(p.Currency)).ToDictionary(g => g.Key, g => Totals(g.ToList()));
        var none = new MoneyTotals(0, 0, 0, null);
        var currencies = ledgerTotals.Keys.Union(providerTotals.Keys).Order(StringComparer.Ordinal).Select(currency =>
        {
            var l = ledgerTotals.GetValueOrDefault(currency, none);
            var p = providerTotals.GetValueOrDefault(currency, none);
            return new CurrencyTotals(currency, l, p,
                new MoneyTotals(p.Collected - l.Collected, p.Refunded - l.Refunded, p.Disputed - l.Disputed, null));
        }).ToList();
        var balanced = pledges.Count == 0
            && currencies.All(c => c.Difference is { Collected: 0, Refunded: 0, Disputed: 0 });
        return new ReconciliationReport(campaignId, since, at, balanced, currencies, pledges);
    }

    private static List<PledgeDifference> Differences(LedgerPledge? held, ProviderPledge? paid)
    {
        if (held is null) return [PledgeDifference.UnknownPledge];
        var differences = new List<PledgeDifference>();
        var holdsCollected = HoldsCollected.Contains(held.Status);
        var succeeded = paid is { Succeeded: > 0 };
        if (holdsCollected && !succeeded) differences.Add(PledgeDifference.NotPaidAtProvider);
        if (!holdsCollected && succeeded) differences.Add(PledgeDifference.NotCollectedInLedger);
        if (paid is { Succeeded: > 1 }) differences.Add(PledgeDifference.ChargedMoreThanOnce);
        if (held.Collected != (paid?.Collected ?? 0)) differences.Add(PledgeDifference.CollectedDiffers);
        if (held.Refunded != (paid?.Refunded ?? 0)) differences.Add(PledgeDifference.RefundedDiffers);
        if (held.Disputed != (paid?.Disputed ?? 0)) differences.Add(PledgeDifference.DisputedDiffers);
        if (paid is not null && paid.Currency != Iso(held.Currency)) differences.Add(PledgeDifference.CurrencyDiffers);
        if (holdsCollected && succeeded && held.PaymentIntentId != paid!.PaymentIntentId) differences.Add(PledgeDifference.PaymentDiffers);
        return differences;
    }

    private static ProviderPledge Summarize(List<ProviderPayment> payments)
    {
        // Attempts in order; the payment that counts is the latest that succeeded, else the latest tried.
        var ordered = payments.OrderBy(p => p.Attempt).ToList();
        var counts = ordered.LastOrDefault(p => p.Status == Succeeded) ?? ordered[^1];
        var totals = Totals(ordered);
        return new ProviderPledge(counts.PaymentIntentId, counts.Status, counts.Attempt, Iso(counts.Currency), totals.Collected,
            totals.Refunded, totals.Disputed, totals.Fees, ordered.LastOrDefault(p => p.DisputeStatus is not null)?.DisputeStatus,
            ordered.Count, ordered.Count(p => p.Status == Succeeded));
    }

    /// <summary>What payments took (only those that succeeded), gave back and have held by disputes; the fees where known.</summary>
    private static MoneyTotals Totals(List<ProviderPayment> payments)
    {
        var fees = payments.Where(p => p.Fee is not null).Select(p => p.Fee!.Value).ToList();
        return new MoneyTotals(payments.Where(p => p.Status == Succeeded).Sum(p => p.AmountReceived),
            payments.Sum(p => p.AmountRefunded), payments.Sum(p => p.AmountDisputed), fees.Count > 0 ? fees.Sum() : null);
    }

    private static string Iso(string currency) => currency.ToUpperInvariant();
}
