using Crowdfund.Messages;

namespace Crowdfund.Grains.Tests;

/// <summary>Most tests reserve one pledge at a time: a call of one request, as the edge makes for a quiet tier.</summary>
internal static class TierCalls
{
    public static async Task<PledgeResult> ReserveAsync(this IRewardTierGrain tier, ReserveRequest request) =>
        (await tier.ReserveManyAsync([request])).Single();
}
