using Crowdfund.Messages.Payments;
using Orleans.Concurrency;

namespace Crowdfund.Grains;

/// <summary>
/// The money run of one campaign after its end, keyed by its slug, one in the whole cluster: when it succeeded, every
/// confirmed pledge is charged (then failed ones again on schedule until their fix window ends); when it failed, every
/// saved card is let go. Its progress is the pledges' rows, so a run cut by a crash resumes where they stand.
/// </summary>
public interface ICollectionGrain : IGrainWithStringKey
{
    /// <summary>Starts the run of an ended campaign, or resumes it; does nothing for a live one. Idempotent.</summary>
    Task StartAsync();

    /// <summary>Something became due (a backer saved a new card): look now rather than at the next reminder.</summary>
    [OneWay]
    Task WakeAsync();

    /// <summary>Stops starting new charges (those in flight finish); CollectionNotFound before the campaign ended.</summary>
    Task<CollectionResult> PauseAsync();

    Task<CollectionResult> ResumeAsync();

    /// <summary>The run as the team watches it: counts, rate, estimated end, collected units against the goal.</summary>
    Task<CollectionResult> GetAsync();
}
