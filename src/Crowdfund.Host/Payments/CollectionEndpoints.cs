using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Messages;
using Crowdfund.Messages.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Payments;

/// <summary>
/// The money after the end: the team watches and pauses the collection run and refunds collected pledges; the backer
/// reads the pledge's payment, with what to do when a charge failed or the bank asks for authentication.
/// </summary>
public static class CollectionEndpoints
{
    public static void MapCollection(this IEndpointRouteBuilder app)
    {
        var team = app.MapTeamGroup();
        team.MapRead("/campaigns/{slug}/collection", GetAsync).Refuses(Refusal.CampaignNotFound, Refusal.CollectionNotFound);
        team.MapPost("/campaigns/{slug}/collection/pause", PauseAsync)
            .Refuses(Refusal.CampaignNotFound, Refusal.CollectionNotFound, Refusal.InvalidPledgeState);
        team.MapPost("/campaigns/{slug}/collection/resume", ResumeAsync)
            .Refuses(Refusal.CampaignNotFound, Refusal.CollectionNotFound, Refusal.InvalidPledgeState);
        team.MapPost("/pledges/{id:guid}/refunds", RefundAsync).WithTags("Team")
            .Refuses(Refusal.IdempotencyKeyMissing, Refusal.IdempotencyKeyReused, Refusal.MalformedBody, Refusal.BodyTooLarge,
                Refusal.UnsupportedMediaType, Refusal.ValidationFailed, Refusal.PledgeNotFound, Refusal.RefundNotAllowed,
                Refusal.RefundExceedsCollected, Refusal.RefundRefused);
        app.MapGroup("/v1/pledges").WithTags("Backers").MapRead("/{id:guid}/payment", GetPaymentAsync)
            .Refuses(Refusal.Unauthorized, Refusal.PledgeNotFound, Refusal.InternalError, Refusal.Unavailable);
    }

    private static Task<Results<Ok<CollectionView>, ProblemHttpResult>> GetAsync(string slug, IGrainFactory grains) =>
        RunAsync(slug, grains, c => c.GetAsync());

    private static Task<Results<Ok<CollectionView>, ProblemHttpResult>> PauseAsync(string slug, IGrainFactory grains) =>
        RunAsync(slug, grains, c => c.PauseAsync());

    private static Task<Results<Ok<CollectionView>, ProblemHttpResult>> ResumeAsync(string slug, IGrainFactory grains) =>
        RunAsync(slug, grains, c => c.ResumeAsync());

    private static async Task<Results<Ok<CollectionView>, ProblemHttpResult>> RunAsync(string slug, IGrainFactory grains,
        Func<ICollectionGrain, Task<CollectionResult>> call)
    {
        if (!Identifiers.IsValid(slug) || await grains.GetGrain<ICampaignGrain>(slug).GetInfoAsync() is null)
            return ApiProblems.For(Refusal.CampaignNotFound);
        var result = await call(grains.GetGrain<ICollectionGrain>(slug));
        return result.Collection is { } view ? TypedResults.Ok(view) : ApiProblems.For(result.Refusal);
    }

    private static async Task<Results<Ok<RefundView>, ProblemHttpResult>> RefundAsync(Guid id, HttpRequest request,
        IGrainFactory grains, HttpResponse response)
    {
        var key = request.Headers["Idempotency-Key"].ToString();
        if (!TextRules.IsIdempotencyKey(key)) return ApiProblems.For(Refusal.IdempotencyKeyMissing);
        var body = await JsonBody.ReadAsync<RefundBody>(request);
        if (body.Problem is not null) return body.Problem;
        var refund = body.Value!;
        if (refund.Amount is <= 0)
            return ApiProblems.Validation([new Domain.Problem("amount", "out_of_range", "The amount is a positive number of minor units.")]);
        var problems = new ProblemList();
        var reason = TextRules.Clean(refund.Reason, "reason", 500, problems, required: false);
        if (problems.Items.Count > 0) return ApiProblems.Validation(problems.Items);
        var result = await grains.GetGrain<IPledgeGrain>(id).RefundAsync(refund.Amount, key, reason);
        return result.Refund is { } made ? TypedResults.Ok(made) : ApiProblems.For(result.Refusal);
    }

    private static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> GetPaymentAsync(Guid id, HttpRequest request,
        IGrainFactory grains, Grains.Payments.IPaymentGateway gateway)
    {
        if (PledgeTokens.FromHeader(request) is not { } token) return ApiProblems.For(Refusal.Unauthorized);
        var result = await grains.GetGrain<IPledgeGrain>(id).GetPaymentAsync(PledgeTokens.Hash(token));
        return result.Payment is { } payment
            ? TypedResults.Ok(new PaymentResponse(payment, payment.Action is null ? null : gateway.PublishableKey))
            : ApiProblems.For(result.Refusal);
    }

    /// <param name="Amount">Minor units to give back; all that is left when absent.</param>
    public sealed record RefundBody(long? Amount, string? Reason);

    /// <param name="PublishableKey">With the action's client secret, what the browser confirms the payment with.</param>
    public sealed record PaymentResponse(PaymentView Payment, string? PublishableKey);
}
