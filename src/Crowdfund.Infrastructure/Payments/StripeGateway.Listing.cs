using System.Globalization;
using System.Runtime.CompilerServices;
using Crowdfund.Grains.Payments;
using Stripe;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>The provider's side of the reconciliation, read back through Stripe's list calls, one page per pipeline call.</summary>
public sealed partial class StripeGateway
{
    // Stripe's largest page: the fewest calls against the account's rate.
    private const int PageSize = 100;

    // Each payment's charge and that charge's balance transaction come in the same page: the refunds and the fee, with
    // no call per payment.
    private const string ChargeAndFee = "data.latest_charge.balance_transaction";

    public async IAsyncEnumerable<ProviderPayment> ListPaymentsAsync(string campaignId, DateTimeOffset since,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(campaignId);
        // Stripe.net sends a DateTime as Unix seconds, reading an unspecified kind as local time: give it UTC.
        var created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime };
        // Disputes carry no metadata of ours: one listing of those opened since, matched to payments by their intent.
        var disputes = new Dictionary<string, List<Dispute>>(StringComparer.Ordinal);
        await foreach (var dispute in ListAsync("list disputes", new DisputeListOptions { Created = created, Limit = PageSize },
                           (client, page, request, token) => client.V1.Disputes.ListAsync(page, request, token), cancellationToken))
        {
            if (dispute.PaymentIntentId is not { } intentId) continue;
            if (!disputes.TryGetValue(intentId, out var ofIntent)) disputes[intentId] = ofIntent = [];
            ofIntent.Add(dispute);
        }

        var payments = new PaymentIntentListOptions { Created = created, Limit = PageSize, Expand = [ChargeAndFee] };
        await foreach (var intent in ListAsync("list payment intents", payments,
                           (client, page, request, token) => client.V1.PaymentIntents.ListAsync(page, request, token), cancellationToken))
        {
            if (intent.Metadata?.GetValueOrDefault(PaymentMetadata.CampaignId) != campaignId
                || !Guid.TryParse(intent.Metadata.GetValueOrDefault(PaymentMetadata.PledgeId), out var pledgeId))
                continue;
            var attempt = int.TryParse(intent.Metadata.GetValueOrDefault(PaymentMetadata.ChargeAttempt), NumberStyles.None,
                CultureInfo.InvariantCulture, out var number) ? number : 0;
            var charge = intent.LatestCharge;
            var contested = disputes.GetValueOrDefault(intent.Id) ?? [];
            yield return new ProviderPayment(pledgeId, attempt, intent.Id, intent.Status, intent.Currency.ToUpperInvariant(),
                intent.Amount, intent.AmountReceived,
                charge?.AmountRefunded ?? 0,
                contested.Where(d => DisputeStatuses.TakesMoney(d.Status)).Sum(d => d.Amount),
                charge?.BalanceTransaction?.Fee,
                contested.MaxBy(d => d.Created)?.Status);
        }
    }

    /// <summary>Every item of a Stripe list, newest first, each page one read through the pipeline.</summary>
    private async IAsyncEnumerable<T> ListAsync<T, TOptions>(string operation, TOptions options,
        Func<StripeClient, TOptions, RequestOptions, CancellationToken, Task<StripeList<T>>> list,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : IHasId
        where TOptions : ListOptions
    {
        // Stripe.net's ListAutoPagingAsync would fetch the next pages itself, past the rate limiter and the retries.
        while (true)
        {
            var page = await ReadAsync(operation, (client, request, token) => list(client, options, request, token), cancellationToken);
            foreach (var item in page.Data) yield return item;
            if (!page.HasMore || page.Data.Count == 0) yield break;
            options.StartingAfter = page.Data[^1].Id;
        }
    }
}
