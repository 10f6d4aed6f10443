using Crowdfund.Infrastructure.Payments;
using CsvHelper;

namespace Crowdfund.Host.Payments;

/// <summary>
/// The reconciliation as one flat CSV table with a header row: a <c>currency</c> row per currency (its totals), then a
/// <c>pledge</c> row per pledge whose sides disagree. Amounts are integers in minor units of the row's currency;
/// <c>difference_*</c> is the provider's minus the ledger's; the differences of a pledge are separated by spaces.
/// </summary>
internal sealed class ReconciliationCsv(ReconciliationReport report) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{report.CampaignId}-reconciliation.csv\"";
        // RFC 4180, UTF-8 without a byte order mark, numbers in the invariant culture: CsvHelper's defaults.
        await using var csv = CsvWriter.Create(response.Body, CsvWriterOptions.Default, leaveOpen: true);
        await csv.WriteRecordsAsync(Rows(report), httpContext.RequestAborted);
    }

    private static IEnumerable<ReconciliationCsvRow> Rows(ReconciliationReport report)
    {
        foreach (var c in report.Currencies)
            yield return ReconciliationCsvRow.Of("currency", c.Currency, null, null, null, null, null, null, c.Ledger, c.Provider);
        var nothing = new MoneyTotals(0, 0, 0, null);
        foreach (var p in report.Pledges)
        {
            var (ledger, provider) = (p.Ledger, p.Provider);
            yield return ReconciliationCsvRow.Of("pledge", ledger?.Currency.ToUpperInvariant() ?? provider!.Currency, p.PledgeId,
                string.Join(' ', p.Differences), ledger?.Status, ledger?.PaymentIntentId, provider?.Status, provider?.PaymentIntentId,
                ledger is null ? nothing : new MoneyTotals(ledger.Collected, ledger.Refunded, ledger.Disputed, null),
                provider is null ? nothing : new MoneyTotals(provider.Collected, provider.Refunded, provider.Disputed, provider.Fees));
        }
    }
}

/// <summary>One line of the CSV; the header names are part of the contract, so each column is named here.</summary>
[CsvRecord]
internal sealed partial record ReconciliationCsvRow(
    [CsvColumn("row")] string Kind,
    [CsvColumn("currency")] string Currency,
    [CsvColumn("pledge_id")] Guid? PledgeId,
    [CsvColumn("differences")] string? Differences,
    [CsvColumn("ledger_status")] string? LedgerStatus,
    [CsvColumn("ledger_payment_intent")] string? LedgerPaymentIntent,
    [CsvColumn("provider_status")] string? ProviderStatus,
    [CsvColumn("provider_payment_intent")] string? ProviderPaymentIntent,
    [CsvColumn("ledger_collected")] long LedgerCollected,
    [CsvColumn("provider_collected")] long ProviderCollected,
    [CsvColumn("difference_collected")] long DifferenceCollected,
    [CsvColumn("ledger_refunded")] long LedgerRefunded,
    [CsvColumn("provider_refunded")] long ProviderRefunded,
    [CsvColumn("difference_refunded")] long DifferenceRefunded,
    [CsvColumn("ledger_disputed")] long LedgerDisputed,
    [CsvColumn("provider_disputed")] long ProviderDisputed,
    [CsvColumn("difference_disputed")] long DifferenceDisputed,
    [CsvColumn("provider_fees")] long? ProviderFees)
{
    public static ReconciliationCsvRow Of(string kind, string currency, Guid? pledgeId, string? differences, string? ledgerStatus,
        string? ledgerPaymentIntent, string? providerStatus, string? providerPaymentIntent, MoneyTotals ledger, MoneyTotals provider) =>
        new(kind, currency, pledgeId, differences, ledgerStatus, ledgerPaymentIntent, providerStatus, providerPaymentIntent,
            ledger.Collected, provider.Collected, provider.Collected - ledger.Collected,
            ledger.Refunded, provider.Refunded, provider.Refunded - ledger.Refunded,
            ledger.Disputed, provider.Disputed, provider.Disputed - ledger.Disputed, provider.Fees);
}
