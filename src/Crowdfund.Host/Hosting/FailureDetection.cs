using Orleans.Configuration;

namespace Crowdfund.Host.Hosting;

/// <summary>
/// How fast the cluster declares a silo dead. Until it does, calls to the grains that lived there fail (the edge
/// answers them 503 with Retry-After) and those grains cannot move. Orleans' defaults take 10-20 s; a backer should
/// lose seconds, not a quarter of a minute.
/// </summary>
internal static class FailureDetection
{
    public static void Configure(ClusterMembershipOptions options)
    {
        // Each silo probes a few others every second; three probes in a row unanswered make it suspect.
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 3;
        // One vote suffices in a small cluster (two or three silos): a silo killed outright cannot vote for itself,
        // and indirect probes through another silo guard against a one-sided network fault.
        options.NumVotesForDeathDeclaration = 1;
        options.EnableIndirectProbes = true;
        // Every silo reads the table often, so the death is known everywhere right after it is written.
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
    }
}
