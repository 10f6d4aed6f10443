using System.Net;

namespace Crowdfund.Host.Hosting;

/// <summary>Where this silo listens, what it tells other silos, and which cluster it joins ("Crowdfund:Silo").</summary>
public sealed class SiloSettings
{
    public const string Section = "Crowdfund:Silo";
    public string ClusterId { get; set; } = "crowdfund";
    public string ServiceId { get; set; } = "crowdfund";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The address other silos reach this one at: its own address on the network the silos share. Unset, the silo
    /// listens on and advertises loopback, which only silos on the same machine can reach.
    /// </summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>Listen on every address of the machine rather than on the advertised one only (behind NAT, in containers).</summary>
    public bool ListenOnAnyHostAddress { get; set; }

    /// <summary>
    /// How many grains this silo remembers the place of (Orleans' grain directory cache). Orleans' default of a million
    /// entries, about 240 bytes each, grew the host by 2 MiB every 10,000 pledges collected, each pledge grain touched a
    /// few times and never again: most of the memory a collection run kept. The hot grains (campaign, tiers, the run)
    /// are used all the time and stay; a pledge grain that fell out costs one directory lookup when it is next called.
    /// </summary>
    public int DirectoryCacheSize { get; set; } = 10_000;

    public IPAddress Advertised => AdvertisedIP is { Length: > 0 } ip ? IPAddress.Parse(ip) : IPAddress.Loopback;

    /// <summary>Why these settings cannot work, naming the setting; null when they can.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(ClusterId) || string.IsNullOrWhiteSpace(ServiceId))
            return $"{Section}:ClusterId and {Section}:ServiceId must be set.";
        if (SiloPort is < 1 or > 65535 || GatewayPort is < 1 or > 65535 || SiloPort == GatewayPort)
            return $"{Section}:SiloPort and {Section}:GatewayPort must be two different ports between 1 and 65535.";
        if (DirectoryCacheSize is < 100 or > 10_000_000)
            return $"{Section}:DirectoryCacheSize must be between 100 and 10,000,000 grains (got {DirectoryCacheSize}).";
        if (AdvertisedIP is { Length: > 0 } ip
            && (!IPAddress.TryParse(ip, out var parsed) || parsed.Equals(IPAddress.Any) || parsed.Equals(IPAddress.IPv6Any)))
            return $"{Section}:AdvertisedIP must be this machine's address that other silos can reach (got '{ip}').";
        if (ListenOnAnyHostAddress && AdvertisedIP is not { Length: > 0 })
            return $"{Section}:AdvertisedIP must be set when {Section}:ListenOnAnyHostAddress is true: other silos need an address to reach this one.";
        return null;
    }
}

/// <summary>Secrets and switches of the HTTP edge ("Crowdfund"). Secrets come from the environment, never the repository.</summary>
public sealed class EdgeSettings
{
    public const string Section = "Crowdfund";
    public const int MinSecretLength = 32;

    /// <summary>Bearer key of the team API, at least 32 characters.</summary>
    public string TeamApiKey { get; set; } = "";

    /// <summary>Key of the HMAC that derives each pledge's backer token from its id, at least 32 characters.</summary>
    public string TokenSecret { get; set; } = "";

    /// <summary>How long the team dashboard may be served from the edge's copy before asking the campaign again.</summary>
    public int DashboardCacheMilliseconds { get; set; } = 250;

    /// <summary>
    /// Reservations that may wait at this edge for their tier's batch to leave; past it, a pledge is answered 503 with
    /// Retry-After rather than queued without bound.
    /// </summary>
    public int MaxQueuedReservations { get; set; } = 20_000;

    public string? Problem()
    {
        if (TeamApiKey.Length < MinSecretLength)
            return $"{Section}:TeamApiKey (environment Crowdfund__TeamApiKey) must be set to at least {MinSecretLength} characters.";
        if (TokenSecret.Length < MinSecretLength)
            return $"{Section}:TokenSecret (environment Crowdfund__TokenSecret) must be set to at least {MinSecretLength} characters.";
        if (DashboardCacheMilliseconds is < 0 or > 60_000)
            return $"{Section}:DashboardCacheMilliseconds must be between 0 and 60000.";
        if (MaxQueuedReservations < 1)
            return $"{Section}:MaxQueuedReservations must be at least 1.";
        return null;
    }
}

/// <summary>The demo campaign ("Crowdfund:Seed").</summary>
public sealed class SeedSettings
{
    public const string Section = "Crowdfund:Seed";

    /// <summary>Create and launch the demo campaign at start when it does not exist.</summary>
    public bool Demo { get; set; }
}
