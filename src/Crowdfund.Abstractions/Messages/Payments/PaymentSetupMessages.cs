namespace Crowdfund.Messages.Payments;

/// <summary>Where one card setup of a pledge is.</summary>
[GenerateSerializer, Alias("crowdfund.SetupStatus")]
public enum SetupStatus
{
    /// <summary>Waiting its turn for the payment provider (under a rush, setups drain at the provider's rate).</summary>
    Queued,

    /// <summary>The provider's setup exists: the backer's browser enters the card with the client secret.</summary>
    Ready,

    /// <summary>The bank asks the backer to authenticate (3-D Secure) before the card is saved.</summary>
    RequiresAction,

    /// <summary>The card was refused; the backer may try another card on the same setup.</summary>
    Failed,

    /// <summary>The card is saved; the pledge counts toward the goal.</summary>
    Succeeded,

    /// <summary>The provider refused to create the setup at all (a configuration error); a new request starts over.</summary>
    Refused,
}

/// <summary>A card setup as the backer's page sees it.</summary>
/// <param name="ClientSecret">What the browser confirms the setup with; null until it is <see cref="SetupStatus.Ready"/>.</param>
/// <param name="ExpectedReadyAt">While queued: when the setup was expected to be ready when it joined the queue.</param>
[GenerateSerializer, Immutable, Alias("crowdfund.PaymentSetupView")]
public sealed record PaymentSetupView(
    [property: Id(0)] Guid PledgeId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] SetupStatus Status,
    [property: Id(3)] string? SetupIntentId,
    [property: Id(4)] string? ClientSecret,
    [property: Id(5)] string? FailureCode,
    [property: Id(6)] string? DeclineCode,
    [property: Id(7)] string? FailureMessage,
    [property: Id(8)] DateTimeOffset ExpectedReadyAt);

/// <summary>
/// A setup that must be made at the provider: what the silo's setup queue needs. The email stays in memory; it names
/// the provider's customer and is never logged.
/// </summary>
[GenerateSerializer, Immutable, Alias("crowdfund.SetupTicket")]
public sealed record SetupTicket(
    [property: Id(0)] Guid PledgeId,
    [property: Id(1)] string CampaignId,
    [property: Id(2)] int Attempt,
    [property: Id(3)] string BackerEmail);

/// <summary>The answer to a backer's card setup request: the setup, and the ticket to queue when it must be made.</summary>
[GenerateSerializer, Immutable, Alias("crowdfund.SetupResult")]
public sealed record SetupResult(
    [property: Id(0)] Refusal Refusal,
    [property: Id(1)] PaymentSetupView? Setup,
    [property: Id(2)] SetupTicket? Ticket)
{
    public static SetupResult Refused(Refusal refusal) => new(refusal, null, null);
}
