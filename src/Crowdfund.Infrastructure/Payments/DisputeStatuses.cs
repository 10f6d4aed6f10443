namespace Crowdfund.Infrastructure.Payments;

/// <summary>Stripe's dispute statuses, as both sides of the reconciliation count them.</summary>
internal static class DisputeStatuses
{
    /// <summary>
    /// Whether a dispute in this status holds the money back: open (<c>needs_response</c>, <c>under_review</c>) or lost.
    /// A won dispute gave it back; an inquiry (<c>warning_*</c>) never withdrew it.
    /// </summary>
    public static bool TakesMoney(string? status) =>
        status is not null && status != "won" && !status.StartsWith("warning_", StringComparison.Ordinal);
}
