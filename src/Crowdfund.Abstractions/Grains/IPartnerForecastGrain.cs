using Orleans.Concurrency;

namespace Crowdfund.Grains;

/// <summary>
/// What the partner hears after the production-go notice, one per campaign (keyed by its slug): an updated forecast
/// at most once per forecast interval while the campaign is live and its figures changed, then the final quantities
/// once collection has finished. A durable reminder drives it, so that a silo lost in between loses nothing.
/// </summary>
public interface IPartnerForecastGrain : IGrainWithStringKey
{
    /// <summary>Starts following a campaign whose production-go notice is written; does nothing otherwise. Idempotent.</summary>
    Task StartAsync();

    /// <summary>
    /// Sends what is due now: an updated forecast, or after a successful campaign's collection the final quantities.
    /// Its reminder calls it; calling it more often sends nothing more.
    /// </summary>
    Task CheckAsync();

    /// <summary>Something changed (collection finished): check now rather than at the next reminder.</summary>
    [OneWay]
    Task WakeAsync();
}
