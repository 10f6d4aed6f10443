using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Crowdfund.Infrastructure.Payments;

/// <summary>The Polly pipeline every call to Stripe goes through.</summary>
/// <remarks>
/// Order, outermost first, and why:
/// <list type="number">
/// <item>Retry: every attempt, the first and each retry, passes through everything below, so each takes a rate
/// token of its own, is counted by the circuit, and has its own timeout. Only transient failures are retried
/// (<see cref="StripeFailures.IsTransient"/>): an open circuit or a full queue fails the call at once, so the caller
/// can come back later rather than hold a queue place through backoffs.</item>
/// <item>Circuit breaker: while Stripe fails most attempts (5xx, network errors, timeouts), a call is refused here,
/// before the limiter, so it neither takes a token nor a place in the queue that healthy calls will need once the
/// circuit closes.</item>
/// <item>Rate limiter: this silo's share of the account's limit; waiters queue first come, first served. Stripe.net's
/// own retries are off and its <c>Stripe-Should-Retry: false</c> on a 429 is not followed: our pacing decides.</item>
/// <item>Timeout, innermost: it bounds one HTTP exchange with Stripe, not the wait for a token before it, so a long
/// queue never turns into timeouts, and an attempt that did reach Stripe is what the circuit judges.</item>
/// </list>
/// Every call carries its idempotency key, the same for every attempt: a retry after a dropped answer gets Stripe's
/// stored answer, and one racing its original still in flight gets a 409, retried in turn.
/// </remarks>
internal static partial class StripePipeline
{
    // Stripe.net's own ceiling between two retries.
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    // Break when at least half of at least 20 attempts in 10 seconds met an outage: a provider down breaks it within a
    // few calls, while a few failures in a rush do not, even though they come back first (a refusal is answered before
    // any work, a success after it).
    private const double FailureRatio = 0.5;
    private const int MinimumThroughput = 20;
    private static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(10);

    /// <summary>The key under which a call names its operation for the logs.</summary>
    public static readonly ResiliencePropertyKey<string> OperationKey = new("crowdfund.stripe.operation");

    public static ResiliencePipeline Build(StripeOptions options, RateLimiter limiter, TimeProvider time, ILogger logger)
    {
        var transient = new PredicateBuilder().Handle<Exception>(StripeFailures.IsTransient);
        var builder = new ResiliencePipelineBuilder { Name = "stripe", TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = MaxRetryDelay,
                OnRetry = retry =>
                {
                    // AttemptNumber counts from 0: the attempt that failed.
                    LogRetry(logger, Operation(retry.Context), retry.AttemptNumber + 1, StripeFailures.Describe(retry.Outcome.Exception!), retry.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(StripeFailures.IsOutage),
            FailureRatio = FailureRatio,
            MinimumThroughput = MinimumThroughput,
            SamplingDuration = SamplingDuration,
            BreakDuration = options.BreakDuration,
            OnOpened = opened =>
            {
                LogOpened(logger, opened.BreakDuration, opened.Outcome.Exception is { } failure ? StripeFailures.Describe(failure) : "");
                return ValueTask.CompletedTask;
            },
            OnHalfOpened = _ =>
            {
                LogHalfOpened(logger);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                LogClosed(logger);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddRateLimiter(limiter);
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    private static string Operation(ResilienceContext context) =>
        context.Properties.TryGetValue(OperationKey, out var operation) ? operation : "call";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe {Operation}: attempt {Attempt} failed with {Failure}; the next in {Delay}")]
    private static partial void LogRetry(ILogger logger, string operation, int attempt, string failure, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Stripe fails most calls: circuit open for {BreakDuration}, calls fail at once meanwhile (last: {Failure})")]
    private static partial void LogOpened(ILogger logger, TimeSpan breakDuration, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe circuit half-open: one call probes it")]
    private static partial void LogHalfOpened(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe circuit closed: calls flow again")]
    private static partial void LogClosed(ILogger logger);
}
