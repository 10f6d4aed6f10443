namespace Crowdfund.Infrastructure.Payments;

/// <summary>
/// A number of silos that never changes: for a host without a silo (a tool, a test), or for silos that agree to split
/// the account's limit by a fixed number instead of following the membership.
/// </summary>
public sealed class FixedSiloCount : ISiloCount
{
    public FixedSiloCount(int silos)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(silos, 1);
        Current = silos;
    }

    public int Current { get; }

    // Never raised: the number is fixed.
    public event Action? Changed
    {
        add { }
        remove { }
    }
}
