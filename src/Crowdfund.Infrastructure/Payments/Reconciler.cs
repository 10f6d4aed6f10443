using Crowdfund.Grains.Payments;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>Reads both sides of a campaign's payments and compares them.</summary>
public sealed class Reconciler(IPaymentGateway gateway, ReconciliationStore store, TimeProvider clock)
{
    /// <summary>The campaign's reconciliation, for payments made since <paramref name="since"/> (its launch).</summary>
    /// <exception cref="PaymentGatewayUnavailableException">The provider could not be read; try again later.</exception>
    public async Task<ReconciliationReport> ReconcileAsync(string campaignId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var at = clock.GetUtcNow();
        // The ledger first: the provider is ahead of it while charges settle, so a charge settling during the reading
        // shows as taken by the provider and not yet recorded, which is what it is, rather than the other way round.
        var ledger = (await store.ReadAsync(campaignId, cancellationToken)).ToList();
        var provider = new List<ProviderPayment>();
        await foreach (var payment in gateway.ListPaymentsAsync(campaignId, since, cancellationToken)) provider.Add(payment);
        var held = ledger.Select(p => p.PledgeId).ToHashSet();
        var unheld = provider.Select(p => p.PledgeId).Where(id => !held.Contains(id)).Distinct().ToList();
        if (unheld.Count > 0) ledger.AddRange(await store.ReadAsync(campaignId, unheld, cancellationToken));
        return Reconciliation.Compare(campaignId, since, at, ledger, provider);
    }
}
