namespace Crowdfund.StripeEmulator.State;

/// <summary>What every stored Stripe object has. Records are mutable and only touched under <see cref="EmulatorStore.Gate"/>.</summary>
internal abstract class StripeRecord
{
    public required string Id { get; init; }

    /// <summary>Unix seconds, as Stripe's <c>created</c>.</summary>
    public required long Created { get; init; }

    /// <summary>Creation order; breaks ties between objects created in the same second, so lists stay newest first.</summary>
    public required long Seq { get; init; }

    public Dictionary<string, string> Metadata { get; set; } = [];
}
