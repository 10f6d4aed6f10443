using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Partners;
using Crowdfund.Messages;

namespace Crowdfund.Host.Partners;

/// <summary>The partner calling, as its API key says.</summary>
/// <remarks>
/// Read in the handler (<see cref="Of"/>), not bound as a parameter: parameters are bound before endpoint filters
/// run, and the key is checked by the group's filter.
/// </remarks>
public sealed record PartnerCaller(string PartnerId)
{
    private const string Item = "crowdfund.partner";

    public static PartnerCaller Of(HttpContext context) =>
        context.Items[Item] as PartnerCaller
        ?? throw new InvalidOperationException("A partner route outside MapPartnerGroup: no key was checked.");

    internal void Attach(HttpContext context) => context.Items[Item] = this;
}

public static class PartnerAccess
{
    /// <summary>
    /// The partner API's root: every route under it asks for a valid partner key. A partner sees only what it
    /// manufactures, and anything else is "not found", never "forbidden", so that a key cannot learn what exists.
    /// </summary>
    public static RouteGroupBuilder MapPartnerGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/partner/v1").WithTags("Partner").AddEndpointFilter(RequirePartnerKey)
            .Refuses(Refusal.Unauthorized, Refusal.InternalError, Refusal.Unavailable);

    /// <summary>Whether the caller manufactures the campaign; each partner route asks before reading anything of it.</summary>
    public static Task<bool> ManufacturesAsync(this PartnerStore partners, PartnerCaller caller, string campaignId) =>
        partners.ManufacturesAsync(caller.PartnerId, campaignId);

    private static async ValueTask<object?> RequirePartnerKey(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // The key is looked up by its SHA-256, an index lookup whose timing says nothing about how close a guess was.
        if (PledgeTokens.FromHeader(http.Request) is not { Length: > 0 and <= 200 } key
            || await http.RequestServices.GetRequiredService<PartnerStore>()
                .FindByKeyAsync(key, http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()) is not { } partnerId)
            return ApiProblems.For(Refusal.Unauthorized);
        new PartnerCaller(partnerId).Attach(http);
        return await next(context);
    }
}
