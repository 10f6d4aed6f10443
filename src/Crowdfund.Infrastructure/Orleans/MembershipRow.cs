using System.Globalization;
using Orleans;
using Orleans.Runtime;

namespace Crowdfund.Infrastructure.Orleans;

/// <summary>A row of orleans_membership and its mapping to and from Orleans' <see cref="MembershipEntry"/>.</summary>
internal sealed class MembershipRow
{
    public string ClusterId { get; init; } = "";
    public string SiloAddress { get; init; } = "";
    public int Status { get; init; }
    public string SiloName { get; init; } = "";
    public string HostName { get; init; } = "";
    public int ProxyPort { get; init; }
    public string? RoleName { get; init; }
    public int UpdateZone { get; init; }
    public int FaultZone { get; init; }
    public string? SuspectTimes { get; init; }
    public DateTime StartTime { get; init; }
    public DateTime IAmAlive { get; init; }
    public int Etag { get; init; }

    public static MembershipRow From(string clusterId, MembershipEntry entry) => new()
    {
        ClusterId = clusterId,
        SiloAddress = entry.SiloAddress.ToParsableString(),
        Status = (int)entry.Status,
        SiloName = entry.SiloName ?? "",
        HostName = entry.HostName ?? "",
        ProxyPort = entry.ProxyPort,
        RoleName = entry.RoleName,
        UpdateZone = entry.UpdateZone,
        FaultZone = entry.FaultZone,
        SuspectTimes = entry.SuspectTimes is { Count: > 0 } suspects
            ? string.Join('|', suspects.Select(s =>
                $"{s.Item1.ToParsableString()},{PostgresMembershipTable.Utc(s.Item2).Ticks.ToString(CultureInfo.InvariantCulture)}"))
            : null,
        StartTime = PostgresMembershipTable.Utc(entry.StartTime),
        IAmAlive = PostgresMembershipTable.Utc(entry.IAmAliveTime),
    };

    public MembershipEntry ToEntry() => new()
    {
        SiloAddress = global::Orleans.Runtime.SiloAddress.FromParsableString(SiloAddress),
        Status = (SiloStatus)Status,
        SiloName = SiloName,
        HostName = HostName,
        ProxyPort = ProxyPort,
        RoleName = RoleName,
        UpdateZone = UpdateZone,
        FaultZone = FaultZone,
        SuspectTimes = string.IsNullOrEmpty(SuspectTimes)
            ? []
            : SuspectTimes.Split('|').Select(part =>
            {
                var comma = part.LastIndexOf(',');
                return Tuple.Create(global::Orleans.Runtime.SiloAddress.FromParsableString(part[..comma]),
                    new DateTime(long.Parse(part[(comma + 1)..], CultureInfo.InvariantCulture), DateTimeKind.Utc));
            }).ToList(),
        StartTime = DateTime.SpecifyKind(StartTime, DateTimeKind.Utc),
        IAmAliveTime = DateTime.SpecifyKind(IAmAlive, DateTimeKind.Utc),
    };
}
