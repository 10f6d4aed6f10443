namespace Crowdfund.Infrastructure.Payments;

/// <summary>
/// How many silos share the payment provider's account, and so its rate limit: each takes an equal share. In a silo it
/// follows Orleans' membership (<see cref="OrleansSiloCount"/>); a host without a silo, or a test, gives a fixed
/// number (<see cref="FixedSiloCount"/>).
/// </summary>
public interface ISiloCount
{
    /// <summary>The silos sharing the account now, at least 1.</summary>
    int Current { get; }

    /// <summary>Raised after <see cref="Current"/> changed; handlers read <see cref="Current"/> again.</summary>
    event Action? Changed;
}
