using Crowdfund.Messages;

namespace Crowdfund.Domain;

/// <summary>
/// The goal arithmetic of a campaign, in one pure type: the manufacturing threshold in product units, the milestones
/// on the way, and which of them a count of confirmed units has reached. Counts are ints bounded by the campaign
/// rules (see <see cref="Rules.Limits"/>), and every product is taken in 64 bits, so nothing here can overflow.
/// </summary>
public sealed class Threshold
{
    public const string ManufacturingConfirmed = "ManufacturingConfirmed";

    private readonly int[] milestones;

    public Threshold(int goalUnits, IEnumerable<int> milestonePercents)
    {
        // Validation refuses such a campaign at the team API; reaching here with one is a bug, not a 0 % campaign.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(goalUnits);
        GoalUnits = goalUnits;
        milestones = milestonePercents.Where(p => p > 0).Distinct().Order().ToArray();
    }

    public static Threshold Of(CampaignDefinition definition) => new(definition.GoalUnits, definition.MilestonePercents);

    public int GoalUnits { get; }

    /// <summary>Whole percent of the goal reached, rounded down (150 when half again is confirmed).</summary>
    public int PercentOf(int confirmedUnits) => (int)(Math.Max(0, confirmedUnits) * 100L / GoalUnits);

    /// <summary>True once the confirmed units reach the goal: the partner manufactures.</summary>
    public bool IsReached(int confirmedUnits) => confirmedUnits >= GoalUnits;

    /// <summary>The event kind recorded when <paramref name="percent"/> of the goal is reached.</summary>
    public static string MilestoneKind(int percent) => $"milestone-{percent}";

    /// <summary>
    /// The events that <paramref name="confirmedUnits"/> reaches and that are not in <paramref name="recorded"/> yet:
    /// milestones in rising order, then manufacturing confirmed once the goal is reached.
    /// </summary>
    public IReadOnlyList<string> DueEvents(int confirmedUnits, IReadOnlySet<string> recorded)
    {
        var due = milestones
            .Where(p => (long)Math.Max(0, confirmedUnits) * 100 >= (long)GoalUnits * p)
            .Select(MilestoneKind)
            .Where(kind => !recorded.Contains(kind))
            .ToList();
        if (IsReached(confirmedUnits) && !recorded.Contains(ManufacturingConfirmed)) due.Add(ManufacturingConfirmed);
        return due;
    }

    /// <summary>How a live campaign ends at its deadline with this many confirmed units.</summary>
    public CampaignStatus OutcomeAt(int confirmedUnits) =>
        IsReached(confirmedUnits) ? CampaignStatus.Succeeded : CampaignStatus.Failed;
}
