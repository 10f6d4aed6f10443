using System.Globalization;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Host.Partners;
using Crowdfund.Infrastructure.Factory;
using Crowdfund.Infrastructure.Partners;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Factory;

/// <param name="Stage">One of <see cref="ProductionStages.All"/>.</param>
/// <param name="Date">The day the stage was reached, "yyyy-MM-dd".</param>
/// <param name="Note">Optional, shown to every backer as written.</param>
public sealed record StageBody(string? Stage, string? Date, string? Note)
{
    public const int MaxNoteLength = 500;

    /// <summary>The checked stage; problems name each bad field.</summary>
    public ProductionStage? Check(DateOnly today, ProblemList problems)
    {
        problems.Check(ProductionStages.IsKnown(Stage), "stage", "stage_unknown",
            $"stage is one of {string.Join(", ", ProductionStages.All)}.");
        var dated = DateOnly.TryParseExact(Date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date);
        problems.Check(dated, "date", "date_invalid", "date is a day written yyyy-MM-dd.");
        // A day ahead at most: the factory's day may have begun before ours. Planned dates are not stages reached.
        problems.Check(!dated || (date.Year >= 2000 && date <= today.AddDays(1)), "date", "out_of_range",
            "date is a day that has come, not a planned one.");
        var note = TextRules.Clean(Note, "note", MaxNoteLength, problems, required: false, multiline: true);
        // Every backer reads the note: a way to reach a person has no place in it.
        problems.Check(note is null || !note.Contains('@'), "note", "personal_data",
            "note is shown to every backer: leave out e-mail addresses and other personal data.");
        return problems.Items.Count == 0 ? new ProductionStage(Stage!, Date!, note is "" ? null : note) : null;
    }
}

/// <summary>The stages of a campaign, in date order.</summary>
public sealed record StageList(string CampaignId, IReadOnlyList<ProductionStage> Stages);

/// <summary>The partner reports where production stands; backers read it on their pledge.</summary>
public static class StageEndpoints
{
    public static void MapStages(this IEndpointRouteBuilder app)
    {
        var partner = app.MapPartnerGroup();
        partner.MapPost("/campaigns/{slug}/stages", PostAsync).Refuses(Refusal.CampaignNotFound, Refusal.MalformedBody,
            Refusal.BodyTooLarge, Refusal.UnsupportedMediaType, Refusal.ValidationFailed);
        partner.MapRead("/campaigns/{slug}/stages", ListAsync).Refuses(Refusal.CampaignNotFound);
    }

    /// <summary>201 for a new stage; 200 for the same stage and day again, whose note it replaces.</summary>
    private static async Task<Results<Created<ProductionStage>, Ok<ProductionStage>, ProblemHttpResult>> PostAsync(string slug,
        HttpRequest request, PartnerStore partners, StageStore stages, StageCache cache, [FromKeyedServices(DomainClock.Key)] TimeProvider time)
    {
        if (!await ManufacturesAsync(request.HttpContext, slug, partners)) return ApiProblems.For(Refusal.CampaignNotFound);
        var body = await JsonBody.ReadAsync<StageBody>(request);
        if (body.Problem is not null) return body.Problem;
        var problems = new ProblemList();
        var now = time.GetUtcNow();
        if (body.Value!.Check(DateOnly.FromDateTime(now.UtcDateTime), problems) is not { } stage)
            return ApiProblems.Validation(problems.Items);
        var created = await stages.SaveAsync(slug, stage, now);
        cache.Forget(slug);
        return created ? TypedResults.Created($"/partner/v1/campaigns/{slug}/stages", stage) : TypedResults.Ok(stage);
    }

    private static async Task<Results<Ok<StageList>, ProblemHttpResult>> ListAsync(string slug, HttpContext context,
        PartnerStore partners, StageStore stages) =>
        await ManufacturesAsync(context, slug, partners)
            ? TypedResults.Ok(new StageList(slug, await stages.ListAsync(slug)))
            : ApiProblems.For(Refusal.CampaignNotFound);

    /// <summary>Whether the calling partner manufactures the campaign; anything else is "not found" to it.</summary>
    internal static async Task<bool> ManufacturesAsync(HttpContext context, string slug, PartnerStore partners) =>
        Identifiers.IsValid(slug) && await partners.ManufacturesAsync(PartnerCaller.Of(context), slug);
}
