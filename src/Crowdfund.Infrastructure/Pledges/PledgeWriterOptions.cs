namespace Crowdfund.Infrastructure.Pledges;

/// <summary>The group-commit writer ("Crowdfund:PledgeWriter").</summary>
public sealed class PledgeWriterOptions
{
    public const string Section = "Crowdfund:PledgeWriter";

    /// <summary>Tier calls that may wait for a commit; past it, reservations are answered Busy (503) at once.</summary>
    public int QueueCapacity { get; set; } = 4096;
}
