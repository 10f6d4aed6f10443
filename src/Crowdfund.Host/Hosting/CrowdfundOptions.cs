namespace Crowdfund.Host.Hosting;

/// <summary>Where this silo listens and which cluster it joins ("Crowdfund:Silo").</summary>
public sealed class SiloSettings
{
    public const string Section = "Crowdfund:Silo";
    public string ClusterId { get; set; } = "crowdfund";
    public string ServiceId { get; set; } = "crowdfund";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
}

/// <summary>Secrets and switches of the HTTP edge ("Crowdfund"). Secrets come from the environment, never the repository.</summary>
public sealed class EdgeSettings
{
    public const string Section = "Crowdfund";

    /// <summary>Bearer key of the team API; the team endpoints refuse every call while it is unset.</summary>
    public string? TeamApiKey { get; set; }

    /// <summary>Key of the HMAC that derives each pledge's backer token from its id.</summary>
    public string? TokenSecret { get; set; }

    /// <summary>
    /// Exposes the team endpoint that confirms a pledge by hand: a stand-in for the payment layer that does not
    /// exist yet, for the README walk and local trials only.
    /// </summary>
    public bool ManualConfirmation { get; set; }

    /// <summary>How long the team dashboard may be served from the edge's copy before asking the campaign again.</summary>
    public int DashboardCacheMilliseconds { get; set; } = 250;
}
