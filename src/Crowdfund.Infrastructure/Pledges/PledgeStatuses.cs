using Crowdfund.Domain;
using Crowdfund.Messages;

namespace Crowdfund.Infrastructure.Pledges;

/// <summary>The lifecycle's groups of statuses as the text the status column stores, for "status = ANY(...)".</summary>
internal static class PledgeStatuses
{
    public static readonly string[] Holding = PledgeLifecycle.Holding.Select(s => s.ToString()).ToArray();

    public static readonly string[] Counting = Enum.GetValues<PledgeStatus>()
        .Where(PledgeLifecycle.CountsTowardGoal).Select(s => s.ToString()).ToArray();
}
