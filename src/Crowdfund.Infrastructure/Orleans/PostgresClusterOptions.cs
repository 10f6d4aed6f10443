namespace Crowdfund.Infrastructure.Orleans;

/// <summary>Names the cluster's rows in the shared tables; several clusters (tests) can share one database.</summary>
public sealed class PostgresClusterOptions
{
    public string ClusterId { get; set; } = "crowdfund";
    public string ServiceId { get; set; } = "crowdfund";
}
