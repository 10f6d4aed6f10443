using Crowdfund.Grains;
using Crowdfund.Grains.Payments;
using Crowdfund.Host.Api;
using Crowdfund.Messages;
using Crowdfund.Messages.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crowdfund.Host.Payments;

/// <summary>
/// The backer saves the card a pledge will be charged with, if the campaign succeeds: ask for a setup, then confirm it
/// in the browser with the client secret (Stripe.js, or the emulator's test page). Under a rush the setup waits its
/// turn for the provider; the answer then says where the backer is in line, and the page asks again.
/// </summary>
public static class PaymentSetupEndpoints
{
    // A quiet moment makes the setup within this; under a rush the backer gets their place rather than a hanging request.
    private static readonly TimeSpan ShortWait = TimeSpan.FromSeconds(2);

    // Past its expected time (plus this), a queued setup that no line here holds was lost with its silo: queue it again.
    private static readonly TimeSpan LostAfter = TimeSpan.FromSeconds(30);

    public static void MapPaymentSetup(this IEndpointRouteBuilder app)
    {
        var pledges = app.MapGroup("/v1/pledges/{id:guid}/payment-setup").WithTags("Backers")
            .Refuses(Refusal.InternalError, Refusal.Unavailable, Refusal.Unauthorized, Refusal.PledgeNotFound);
        pledges.MapPost("", RequestAsync).Refuses(Refusal.InvalidPledgeState, Refusal.CampaignNotLive, Refusal.Busy);
        pledges.MapRead("", GetAsync).Refuses(Refusal.SetupNotFound);
    }

    private static async Task<Results<Ok<PaymentSetupResponse>, Accepted<PaymentSetupResponse>, ProblemHttpResult>> RequestAsync(
        Guid id, HttpRequest request, IGrainFactory grains, PaymentSetupQueue queue, IPaymentGateway gateway)
    {
        if (PledgeTokens.FromHeader(request) is not { } token) return ApiProblems.For(Refusal.Unauthorized);
        var pledge = grains.GetGrain<IPledgeGrain>(id);
        var hash = PledgeTokens.Hash(token);
        var result = await pledge.RequestPaymentSetupAsync(hash, queue.ExpectedWait);
        if (result.Setup is not { } setup) return ApiProblems.For(result.Refusal);
        if (setup.Status != SetupStatus.Queued) return TypedResults.Ok(PaymentSetupResponse.From(setup, gateway, null));
        if (result.Ticket is not { } ticket || queue.Enqueue(ticket) is null) return ApiProblems.For(Refusal.Busy);
        await queue.WaitAsync(id, setup.Attempt, ShortWait);
        return Answer(await pledge.GetPaymentSetupAsync(hash), id, queue, gateway);
    }

    private static async Task<Results<Ok<PaymentSetupResponse>, Accepted<PaymentSetupResponse>, ProblemHttpResult>> GetAsync(
        Guid id, HttpRequest request, IGrainFactory grains, PaymentSetupQueue queue, IPaymentGateway gateway, TimeProvider clock)
    {
        if (PledgeTokens.FromHeader(request) is not { } token) return ApiProblems.For(Refusal.Unauthorized);
        var pledge = grains.GetGrain<IPledgeGrain>(id);
        var hash = PledgeTokens.Hash(token);
        var result = await pledge.GetPaymentSetupAsync(hash);
        // A queued setup that no line here holds, well past its expected time, was lost with its silo: asking again
        // answers the same open setup, with the ticket to queue it here.
        if (result.Setup is { Status: SetupStatus.Queued } setup && queue.PlaceOf(id, setup.Attempt) is null
            && clock.GetUtcNow() > setup.ExpectedReadyAt + LostAfter
            && (await pledge.RequestPaymentSetupAsync(hash, queue.ExpectedWait)).Ticket is { } ticket)
            queue.Enqueue(ticket);
        return Answer(result, id, queue, gateway);
    }

    private static Results<Ok<PaymentSetupResponse>, Accepted<PaymentSetupResponse>, ProblemHttpResult> Answer(
        SetupResult result, Guid id, PaymentSetupQueue queue, IPaymentGateway gateway)
    {
        if (result.Setup is not { } setup) return ApiProblems.For(result.Refusal);
        if (setup.Status != SetupStatus.Queued) return TypedResults.Ok(PaymentSetupResponse.From(setup, gateway, null));
        return TypedResults.Accepted($"/v1/pledges/{id}/payment-setup",
            PaymentSetupResponse.From(setup, gateway, queue.PlaceOf(id, setup.Attempt)));
    }
}

/// <summary>A card setup as the backer's page uses it.</summary>
/// <param name="ClientSecret">With <paramref name="PublishableKey"/>, what the browser confirms the setup with.</param>
/// <param name="Queue">While queued: the place in line (1 is next) and the expected wait, when this silo holds it.</param>
public sealed record PaymentSetupResponse(
    Guid PledgeId, int Attempt, SetupStatus Status, string? SetupIntentId, string? ClientSecret, string PublishableKey,
    SetupFailure? Failure, SetupQueue? Queue, DateTimeOffset? ExpectedReadyAt)
{
    public static PaymentSetupResponse From(PaymentSetupView setup, IPaymentGateway gateway, QueuePlace? place) => new(
        setup.PledgeId, setup.Attempt, setup.Status, setup.SetupIntentId,
        setup.Status is SetupStatus.Succeeded or SetupStatus.Refused ? null : setup.ClientSecret, gateway.PublishableKey,
        setup.FailureCode is null && setup.FailureMessage is null ? null
            : new SetupFailure(setup.FailureCode, setup.DeclineCode, setup.FailureMessage),
        place is null ? null : new SetupQueue(place.Place, (int)Math.Ceiling(place.ExpectedWait.TotalSeconds)),
        setup.Status == SetupStatus.Queued ? setup.ExpectedReadyAt : null);
}

/// <summary>Why the card was refused: the provider's code, the bank's reason, and a sentence to show.</summary>
public sealed record SetupFailure(string? Code, string? DeclineCode, string? Message);

/// <summary>The backer's place in line for the payment provider and the expected wait in seconds.</summary>
public sealed record SetupQueue(int Place, int EstimatedSeconds);
