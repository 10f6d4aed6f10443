namespace Crowdfund.Bench;

/// <summary>
/// The host's running totals of the pledge path (GET /bench/stats), as differences over one run: where the time
/// of an acknowledged pledge went between the edge, the tier grain and the group commit.
/// </summary>
internal sealed record PathStats(
    long Commits, long CommittedRows, double CommitSeconds,
    long Calls, long Requests, double WaitSeconds, double CallSeconds)
{
    public PathStats Since(PathStats earlier) => new(
        Commits - earlier.Commits, CommittedRows - earlier.CommittedRows, CommitSeconds - earlier.CommitSeconds,
        Calls - earlier.Calls, Requests - earlier.Requests, WaitSeconds - earlier.WaitSeconds,
        CallSeconds - earlier.CallSeconds);

    public double? PledgesPerCommit => Commits == 0 ? null : CommittedRows / (double)Commits;

    public double? CommitMs => Commits == 0 ? null : 1000 * CommitSeconds / Commits;

    public double? RequestsPerCall => Calls == 0 ? null : Requests / (double)Calls;

    /// <summary>How long a request waited at the edge for its batch to leave.</summary>
    public double? WaitMs => Requests == 0 ? null : 1000 * WaitSeconds / Requests;

    /// <summary>How long the tier took to answer a batch, its commit included.</summary>
    public double? CallMs => Calls == 0 ? null : 1000 * CallSeconds / Calls;
}
