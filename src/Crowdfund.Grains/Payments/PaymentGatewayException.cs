namespace Crowdfund.Grains.Payments;

/// <summary>The provider refused a request for good (invalid parameters, a missing object): retrying will not help.</summary>
[GenerateSerializer, Alias("crowdfund.PaymentGatewayException")]
public sealed class PaymentGatewayException : Exception
{
    public PaymentGatewayException(string message, string? code = null, Exception? inner = null) : base(message, inner) => Code = code;

    /// <summary>The provider's error code ("resource_missing", "parameter_invalid_integer"...), when it gave one.</summary>
    [Id(0)]
    public string? Code { get; }
}

/// <summary>
/// The provider could not be reached or asked to wait (network, rate limit, 5xx, an open circuit, a full queue) even
/// after the adapter's retries: the same call with the same idempotency key may be made again later.
/// </summary>
[GenerateSerializer, Alias("crowdfund.PaymentGatewayUnavailableException")]
public sealed class PaymentGatewayUnavailableException : Exception
{
    public PaymentGatewayUnavailableException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
