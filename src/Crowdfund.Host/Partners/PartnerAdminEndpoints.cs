using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Host.Api;
using Crowdfund.Infrastructure.Partners;
using Crowdfund.Messages;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Partners;

/// <summary>The team registers partner manufacturers, rotates their keys and links them to campaigns.</summary>
public static class PartnerAdminEndpoints
{
    private static readonly Refusal[] Body =
        [Refusal.MalformedBody, Refusal.BodyTooLarge, Refusal.UnsupportedMediaType, Refusal.ValidationFailed];

    public static void MapPartnerAdmin(this IEndpointRouteBuilder app)
    {
        var team = app.MapTeamGroup();
        team.MapPost("/partners", CreateAsync).Refuses([.. Body, Refusal.PartnerExists]);
        team.MapRead("/partners/{id}", GetAsync).Refuses(Refusal.PartnerNotFound);
        team.MapPut("/partners/{id}", UpdateAsync).Refuses([.. Body, Refusal.PartnerNotFound]);
        team.MapPost("/partners/{id}/keys", RotateKeyAsync).Refuses([.. Body, Refusal.PartnerNotFound]);
        team.MapDelete("/partners/{id}/keys/{prefix}", RevokeKeyAsync).Refuses(Refusal.PartnerNotFound, Refusal.PartnerKeyNotFound);
        team.MapPut("/campaigns/{slug}/partner", LinkAsync)
            .Refuses([.. Body, Refusal.CampaignNotFound, Refusal.PartnerNotFound, Refusal.CampaignHasPartner]);
    }

    private static async Task<Results<Created<PartnerSecrets>, ProblemHttpResult>> CreateAsync(HttpRequest request,
        PartnerStore partners, TimeProvider time)
    {
        var body = await JsonBody.ReadAsync<PartnerBody>(request);
        if (body.Problem is not null) return body.Problem;
        var problems = new ProblemList();
        if (body.Value!.Check(withId: true, problems) is not { } valid) return ApiProblems.Validation(problems.Items);
        var key = PartnerKeys.NewKey();
        var secret = PartnerKeys.NewSigningSecret();
        var created = await partners.CreateAsync(valid.Id, valid.Name, valid.WebhookUrl, key, secret, time.GetUtcNow());
        return created.Partner is { } partner
            ? TypedResults.Created($"/team/v1/partners/{partner.Id}", new PartnerSecrets(partner, key, secret))
            : ApiProblems.For(created.Refusal);
    }

    private static async Task<Results<Ok<Partner>, ProblemHttpResult>> GetAsync(string id, PartnerStore partners) =>
        Identifiers.IsValid(id) && await partners.GetAsync(id) is { } partner
            ? TypedResults.Ok(partner)
            : ApiProblems.For(Refusal.PartnerNotFound);

    private static async Task<Results<Ok<Partner>, ProblemHttpResult>> UpdateAsync(string id, HttpRequest request,
        PartnerStore partners, TimeProvider time)
    {
        if (!Identifiers.IsValid(id)) return ApiProblems.For(Refusal.PartnerNotFound);
        var body = await JsonBody.ReadAsync<PartnerBody>(request);
        if (body.Problem is not null) return body.Problem;
        var problems = new ProblemList();
        if (body.Value!.Check(withId: false, problems) is not { } valid) return ApiProblems.Validation(problems.Items);
        return Answer(await partners.UpdateAsync(id, valid.Name, valid.WebhookUrl, time.GetUtcNow()));
    }

    /// <summary>A new key, shown once; the older ones keep working for the overlap asked (a day by default).</summary>
    private static async Task<Results<Created<PartnerSecrets>, ProblemHttpResult>> RotateKeyAsync(string id,
        HttpRequest request, PartnerStore partners, TimeProvider time)
    {
        if (!Identifiers.IsValid(id)) return ApiProblems.For(Refusal.PartnerNotFound);
        var overlap = TimeSpan.FromHours(PartnerKeyBody.DefaultHours);
        // The body is optional; one sent (chunked or not) is read and checked like any other.
        if (request.ContentLength is > 0 || request.ContentType is not null)
        {
            var body = await JsonBody.ReadAsync<PartnerKeyBody>(request);
            if (body.Problem is not null) return body.Problem;
            var problems = new ProblemList();
            if (body.Value!.Overlap(problems) is not { } asked) return ApiProblems.Validation(problems.Items);
            overlap = asked;
        }
        var now = time.GetUtcNow();
        var key = PartnerKeys.NewKey();
        var rotated = await partners.AddKeyAsync(id, key, now + overlap, now);
        return rotated.Partner is { } partner
            ? TypedResults.Created($"/team/v1/partners/{id}", new PartnerSecrets(partner, key, null))
            : ApiProblems.For(rotated.Refusal);
    }

    private static async Task<Results<Ok<Partner>, ProblemHttpResult>> RevokeKeyAsync(string id, string prefix,
        PartnerStore partners, TimeProvider time) =>
        Identifiers.IsValid(id)
            ? Answer(await partners.RevokeKeyAsync(id, prefix, time.GetUtcNow()))
            : ApiProblems.For(Refusal.PartnerNotFound);

    private static async Task<Results<Ok<Partner>, ProblemHttpResult>> LinkAsync(string slug, HttpRequest request,
        PartnerStore partners, TimeProvider time)
    {
        if (!Identifiers.IsValid(slug)) return ApiProblems.For(Refusal.CampaignNotFound);
        var body = await JsonBody.ReadAsync<PartnerLinkBody>(request);
        if (body.Problem is not null) return body.Problem;
        if (body.Value!.PartnerId is not { } partnerId || !Identifiers.IsValid(partnerId))
            return ApiProblems.Validation([new Problem("partnerId", "required", "partnerId names a registered partner.")]);
        return Answer(await partners.LinkAsync(partnerId, slug, time.GetUtcNow()));
    }

    private static Results<Ok<Partner>, ProblemHttpResult> Answer(PartnerChange change) =>
        change.Partner is { } partner ? TypedResults.Ok(partner) : ApiProblems.For(change.Refusal);
}
