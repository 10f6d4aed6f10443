namespace Crowdfund.Grains;

/// <summary>The key of a reward tier grain: "{campaign}/{tier}". Slugs and tier ids never contain '/'.</summary>
public static class TierKey
{
    public static string Format(string campaignId, string tierId) => $"{campaignId}/{tierId}";

    public static (string CampaignId, string TierId) Parse(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0 || slash == key.Length - 1) throw new ArgumentException($"Not a tier key: '{key}'.", nameof(key));
        return (key[..slash], key[(slash + 1)..]);
    }
}
