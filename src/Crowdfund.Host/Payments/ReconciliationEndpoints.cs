using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Grains.Payments;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.Messages;
using Microsoft.Net.Http.Headers;

namespace Crowdfund.Host.Payments;

/// <summary>
/// The team compares the ledger with Stripe for a campaign: totals per currency and every pledge whose two sides
/// disagree, as JSON, or as CSV for a spreadsheet when asked for <c>text/csv</c>.
/// </summary>
public static class ReconciliationEndpoints
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue Csv = new("text/csv");

    /// <summary>Maps <c>{slug}/reconciliation</c> on the team's campaigns group, which checks the team key.</summary>
    public static void MapReconciliation(this IEndpointRouteBuilder campaigns) =>
        campaigns.MapRead("/{slug}/reconciliation", GetAsync).WithTags("Payments")
            .Produces<ReconciliationReport>(200, "application/json", "text/csv")
            .Refuses(Refusal.CampaignNotFound, Refusal.Unavailable);

    private static async Task<IResult> GetAsync(string slug, HttpRequest request, IGrainFactory grains, Reconciler reconciler,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!Identifiers.IsValid(slug) || await grains.GetGrain<ICampaignGrain>(slug).GetInfoAsync() is not { } campaign)
            return ApiProblems.For(Refusal.CampaignNotFound);
        // Nothing is charged before the launch; a draft has nothing to reconcile, and is read from now.
        var since = campaign.LaunchedAt ?? clock.GetUtcNow();
        ReconciliationReport report;
        try
        {
            report = await reconciler.ReconcileAsync(slug, since, cancellationToken);
        }
        catch (PaymentGatewayUnavailableException)
        {
            return ApiProblems.For(Refusal.Unavailable);
        }
        request.HttpContext.Response.Headers.Vary = HeaderNames.Accept;
        return WantsCsv(request) ? new ReconciliationCsv(report) : TypedResults.Ok(report);
    }

    /// <summary>
    /// CSV when the client prefers it to JSON by quality; at equal quality (<c>*/*</c>, or both named alike) only when
    /// it names text/csv and not JSON. With no Accept header, JSON.
    /// </summary>
    private static bool WantsCsv(HttpRequest request)
    {
        var accepted = request.GetTypedHeaders().Accept;
        double Best(MediaTypeHeaderValue offer) =>
            accepted.Where(offer.IsSubsetOf).Select(a => a.Quality ?? 1).DefaultIfEmpty(0).Max();
        bool Named(MediaTypeHeaderValue offer) => accepted.Any(a => a.MediaType.Equals(offer.MediaType, StringComparison.OrdinalIgnoreCase));
        var (csv, json) = (Best(Csv), Best(Json));
        return csv > json || (csv > 0 && csv == json && Named(Csv) && !Named(Json));
    }
}
