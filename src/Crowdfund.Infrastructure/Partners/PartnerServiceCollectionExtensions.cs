using Crowdfund.Infrastructure.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crowdfund.Infrastructure.Partners;

public static class PartnerServiceCollectionExtensions
{
    /// <summary>
    /// The partner's webhooks: one outbox handler per partner topic (each with its own pipeline and circuit, so a
    /// stuck batch never holds a notice back) and their HTTP client. A topic with an <see cref="IPartnerTopic"/>
    /// registered uses it; the others are sent as stored. Call after <c>AddCrowdfundStores</c>.
    /// </summary>
    public static IServiceCollection AddPartnerWebhooks(this IServiceCollection services, params string[] topics)
    {
        // No timeout of its own: the outbox pipeline's per-attempt timeout is the one that counts.
        services.AddHttpClient(PartnerWebhookHandler.HttpClientName, client =>
        {
            client.Timeout = Timeout.InfiniteTimeSpan;
            client.DefaultRequestHeaders.UserAgent.ParseAdd("Crowdfund-Webhooks/1");
        });
        foreach (var topic in topics)
            services.AddSingleton<IOutboxHandler>(provider => new PartnerWebhookHandler(
                provider.GetServices<IPartnerTopic>().FirstOrDefault(t => t.Topic == topic) ?? new VerbatimPartnerTopic(topic),
                provider.GetRequiredService<PartnerStore>(), provider.GetRequiredService<IHttpClientFactory>(),
                provider.GetRequiredService<ILogger<PartnerWebhookHandler>>()));
        return services.AddOutboxDispatcher();
    }
}
