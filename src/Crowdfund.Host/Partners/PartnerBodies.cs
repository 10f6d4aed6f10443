using System.Net;
using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Infrastructure.Partners;

namespace Crowdfund.Host.Partners;

public sealed record PartnerBody(string? Id, string? Name, string? WebhookUrl)
{
    public const int MaxNameLength = 120;
    public const int MaxUrlLength = 2000;

    /// <summary>The checked name and URL (and id, when <paramref name="withId"/>); problems name each bad field.</summary>
    public (string Id, string Name, string WebhookUrl)? Check(bool withId, ProblemList problems)
    {
        if (withId)
            problems.Check(Identifiers.IsValid(Id ?? ""), "id", "id_invalid",
                "The id uses lower-case letters, digits and inner dashes.");
        var name = TextRules.Clean(Name, "name", MaxNameLength, problems);
        CheckUrl(WebhookUrl, problems);
        return problems.Items.Count == 0 ? (Id ?? "", name!, WebhookUrl!) : null;
    }

    /// <summary>
    /// Webhooks carry backers' names and addresses, so they go over HTTPS; plain HTTP is allowed only to this machine
    /// (a partner's test receiver, or a TLS-terminating proxy beside us).
    /// </summary>
    private static void CheckUrl(string? url, ProblemList problems)
    {
        if (url is null || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            problems.Add("webhookUrl", "url_invalid",
                $"webhookUrl must be an absolute https URL of at most {MaxUrlLength} characters, without credentials or fragment.");
            return;
        }
        if (uri.Scheme == "http" && !IsLoopback(uri))
            problems.Add("webhookUrl", "https_required", "webhookUrl must use https (plain http only to this machine).");
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));
}

public sealed record PartnerKeyBody(int? PreviousKeyValidForHours)
{
    public const int DefaultHours = 24;
    public const int MaxHours = 24 * 30;

    public TimeSpan? Overlap(ProblemList problems)
    {
        var hours = PreviousKeyValidForHours ?? DefaultHours;
        problems.Check(hours is >= 0 and <= MaxHours, "previousKeyValidForHours", "out_of_range",
            $"previousKeyValidForHours is between 0 (revoke at once) and {MaxHours}.");
        return problems.Items.Count == 0 ? TimeSpan.FromHours(hours) : null;
    }
}

public sealed record PartnerLinkBody(string? PartnerId);

/// <summary>A new partner or key: the only answers that ever carry the secrets, which are not stored in the clear.</summary>
public sealed record PartnerSecrets(Partner Partner, string ApiKey, string? SigningSecret);
