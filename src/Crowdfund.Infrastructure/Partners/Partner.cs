namespace Crowdfund.Infrastructure.Partners;

/// <summary>A partner manufacturer as the team sees it: never a secret, and its keys only by their first characters.</summary>
public sealed record Partner(string Id, string Name, string WebhookUrl, DateTimeOffset CreatedAt,
    IReadOnlyList<PartnerKeyInfo> Keys, IReadOnlyList<string> Campaigns);

/// <summary>One API key by its visible start; <paramref name="ExpiresAt"/> is set once a newer key replaced it.</summary>
public sealed record PartnerKeyInfo(string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

/// <summary>What a webhook to a partner needs: where to send, and the secret to sign with.</summary>
public sealed record PartnerEndpoint(string PartnerId, string WebhookUrl, string SigningSecret);

/// <summary>The outcome of a store command: the partner after it, or why not.</summary>
public sealed record PartnerChange(Partner? Partner, Crowdfund.Messages.Refusal Refusal = Crowdfund.Messages.Refusal.None);
