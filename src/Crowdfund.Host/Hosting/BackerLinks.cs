using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Messaging;
using Crowdfund.Infrastructure.Messaging.Backers;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Hosting;

/// <summary>The address backers reach this service at ("Crowdfund:PublicUrl"), for the links in their mail.</summary>
public sealed class PublicUrlSettings
{
    public const string Section = "Crowdfund";

    /// <summary>
    /// Such as https://pledge.example.org, what the load balancer answers on. Unset, the first address this host listens
    /// on, which suits one host on a developer's machine (./build.sh run: http://127.0.0.1:5080) and nothing else.
    /// </summary>
    public string? PublicUrl { get; set; }

    public string? Problem() =>
        PublicUrl is not { Length: > 0 } url
        || Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" && uri.Query.Length == 0 && uri.Fragment.Length == 0
            ? null
            : $"{Section}:PublicUrl (environment Crowdfund__PublicUrl) must be an absolute http(s) URL without query, such as https://pledge.example.org, or unset.";
}

/// <summary>Links to a backer's pledge page, <c>{PublicUrl}/pledges/{id}?token={token}</c>: the token is derived, so it is issued again here.</summary>
internal sealed partial class BackerLinks(IOptions<PublicUrlSettings> settings, PledgeTokens tokens, IServer server, ILogger<BackerLinks> logger)
    : IBackerLinks
{
    private Uri? publicUrl;

    public Uri PledgePage(Guid pledgeId) => new(PublicUrl(), $"pledges/{pledgeId}?token={tokens.Issue(pledgeId)}");

    private Uri PublicUrl()
    {
        if (publicUrl is not null) return publicUrl;
        var url = settings.Value.PublicUrl;
        if (url is not { Length: > 0 })
        {
            // Read when the first link is made: the addresses are known once the server has started.
            url = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
            LogDefault(logger, url);
        }
        // A base ending in '/' keeps its path when the link is added to it. A wildcard address ("http://+:80") is no
        // place to send anyone; the warning above says what to set.
        return publicUrl = Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) ? uri : new Uri("http://localhost/");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Crowdfund:PublicUrl is not set: links in mail to backers use {Url}, the first address this host listens on")]
    private static partial void LogDefault(ILogger logger, string url);
}

internal static class BackerLinksRegistration
{
    /// <summary>The host's part of the mail to backers: its public address, checked at start, and the links made with it.</summary>
    public static IServiceCollection AddBackerLinks(this IServiceCollection services)
    {
        services.AddSettings<PublicUrlSettings>(PublicUrlSettings.Section, s => s.Problem());
        services.AddSingleton<IBackerLinks, BackerLinks>();
        return services;
    }
}
