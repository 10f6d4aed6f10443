namespace Crowdfund.Grains.Fulfilment;

/// <summary>How orders are batched and handed to the partner ("Crowdfund:Fulfilment").</summary>
public sealed class FulfilmentOptions
{
    public const string Section = "Crowdfund:Fulfilment";

    /// <summary>The most orders in one batch; a country with more gets several.</summary>
    public int BatchSize { get; set; } = 250;

    /// <summary>How long a delivered batch may stay unacknowledged before it is sent again.</summary>
    public TimeSpan AckTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the handoff looks for what fell due (the lock passing, a resend); Orleans reminders tick at most once a minute.</summary>
    public TimeSpan CheckPeriod { get; set; } = TimeSpan.FromMinutes(1);

    public string? Problem() =>
        BatchSize is < 1 or > 100_000 ? $"{Section}:BatchSize must be between 1 and 100000."
        : AckTimeout <= TimeSpan.Zero ? $"{Section}:AckTimeout must be positive."
        : CheckPeriod < TimeSpan.FromMinutes(1) ? $"{Section}:CheckPeriod must be at least one minute."
        : null;

    /// <summary>Stops the host at start on a bad setting, naming it.</summary>
    public sealed class Validator : Microsoft.Extensions.Options.IValidateOptions<FulfilmentOptions>
    {
        public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, FulfilmentOptions options) =>
            options.Problem() is { } problem
                ? Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problem)
                : Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}
