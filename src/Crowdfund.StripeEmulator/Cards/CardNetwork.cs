namespace Crowdfund.StripeEmulator.Cards;

internal enum AttemptResult
{
    Succeeded,
    RequiresAction,
    Declined,
}

/// <summary>What the issuer says to one attempt; <see cref="Decline"/> is set when it was declined.</summary>
internal sealed record Attempt(AttemptResult Result, Decline? Decline = null)
{
    public static readonly Attempt Success = new(AttemptResult.Succeeded);
    public static readonly Attempt NeedsAction = new(AttemptResult.RequiresAction);

    public static Attempt Declined(Decline decline) => new(AttemptResult.Declined, decline);
}

/// <summary>The issuer side: decides setups and payments from the test card's documented behaviour.</summary>
internal static class CardNetwork
{
    /// <summary>Saving a card (a SetupIntent confirmed on-session, or an attach).</summary>
    public static Attempt Setup(TestCard card, bool authenticated)
    {
        if (card.SetupDecline is { } decline) return Attempt.Declined(decline);
        if (!authenticated && card.Authentication != Authentication.None) return Attempt.NeedsAction;
        return Attempt.Success;
    }

    /// <summary>
    /// A payment. Off-session, the holder is not there to authenticate, so a card that asks for it is declined with
    /// <c>authentication_required</c> (Stripe's documented off-session failure) instead of waiting for an action.
    /// </summary>
    public static Attempt Pay(TestCard card, bool setUpForOffSession, bool offSession, bool authenticated)
    {
        var asks = card.Authentication switch
        {
            Authentication.Always => true,
            Authentication.UnlessSetUp => !setUpForOffSession,
            Authentication.OnSessionOnly => !offSession,
            _ => false,
        };
        if (asks && !authenticated)
        {
            return offSession ? Attempt.Declined(Decline.AuthenticationRequired) : Attempt.NeedsAction;
        }
        return card.ChargeDecline is { } decline ? Attempt.Declined(decline) : Attempt.Success;
    }
}
