using Crowdfund.Messages.Payments;

namespace Crowdfund.Grains.Payments;

/// <summary>One card setup of a pledge, as stored; the pledge grain is its only writer.</summary>
/// <param name="LastEventAt">When the latest provider event applied to it was created, to ignore older ones arriving late.</param>
public sealed record PaymentSetup(
    Guid PledgeId,
    int Attempt,
    SetupStatus Status,
    string? SetupIntentId,
    string? ClientSecret,
    string? CustomerId,
    string? PaymentMethodId,
    string? FailureCode,
    string? DeclineCode,
    string? FailureMessage,
    DateTimeOffset? LastEventAt,
    DateTimeOffset RequestedAt,
    DateTimeOffset ExpectedReadyAt,
    DateTimeOffset UpdatedAt)
{
    public PaymentSetupView ToView() => new(PledgeId, Attempt, Status, SetupIntentId, ClientSecret, FailureCode, DeclineCode,
        FailureMessage, ExpectedReadyAt);
}
