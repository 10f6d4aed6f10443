using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Partners;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Partners;

/// <summary>A campaign as its manufacturer sees it: what is made, how many, by when.</summary>
public sealed record PartnerCampaign(string Id, string Product, CampaignStatus Status, int GoalUnits,
    int ConfirmedUnits, bool ManufacturingConfirmed, DateTimeOffset Deadline);

public static class PartnerCampaignEndpoints
{
    public static void MapPartnerCampaigns(this IEndpointRouteBuilder app)
    {
        var partner = app.MapPartnerGroup();
        partner.MapRead("/campaigns/{slug}", GetAsync).Refuses(Refusal.CampaignNotFound);
    }

    private static async Task<Results<Ok<PartnerCampaign>, ProblemHttpResult>> GetAsync(string slug, HttpContext context,
        PartnerStore partners, IGrainFactory grains)
    {
        var caller = PartnerCaller.Of(context);
        if (!Identifiers.IsValid(slug) || !await partners.ManufacturesAsync(caller, slug)
            || await grains.GetGrain<ICampaignGrain>(slug).GetPublicAsync() is not { } campaign)
            return ApiProblems.For(Refusal.CampaignNotFound);
        var definition = campaign.Info.Definition;
        return TypedResults.Ok(new PartnerCampaign(slug, definition.Product, campaign.Info.Status, definition.GoalUnits,
            campaign.Progress.ConfirmedUnits, campaign.Progress.ManufacturingConfirmed, definition.Deadline));
    }
}
