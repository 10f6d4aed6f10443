using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace Crowdfund.Infrastructure.Messaging;

/// <summary>The Polly pipeline around each delivery of one topic: its own, so that a mail server down never stops Stripe's calls, nor the partner's deliveries.</summary>
/// <remarks>
/// Outermost first: a few quick retries in place (a dropped connection, a server busy for a moment), a circuit breaker
/// that stops knocking on a server that fails most deliveries (the rows wait, untouched, until it closes), and a
/// timeout per attempt. Longer outages are ridden out by the rows themselves, which wait with a growing backoff in
/// the table, where they survive any restart. Every attempt of a row carries the same key, so repeating one is safe.
/// </remarks>
internal static partial class OutboxPipeline
{
    // Open when at least half of at least 5 attempts in 30 seconds failed: a server down opens it within two rows
    // (each tried three times), one bad row does not.
    private const double FailureRatio = 0.5;
    private const int MinimumThroughput = 5;
    private static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(30);

    public static ResiliencePipeline Build(string topic, OutboxOptions options, TimeProvider time, ILogger logger)
    {
        // A failure that says it is for good, or that the row is not ready, is not the server's fault, and trying again
        // at once cannot help.
        var worthRetrying = new PredicateBuilder().Handle<Exception>(e =>
            e is not (OperationCanceledException or OutboxDeliveryException { Permanent: true } or OutboxDeliveryException { NotReady: true }));
        var builder = new ResiliencePipelineBuilder { Name = $"outbox:{topic}", TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = worthRetrying,
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                OnRetry = retry =>
                {
                    LogRetry(logger, topic, retry.AttemptNumber + 1, OutboxFailures.Describe(retry.Outcome.Exception!), retry.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = worthRetrying,
            FailureRatio = FailureRatio,
            MinimumThroughput = MinimumThroughput,
            SamplingDuration = SamplingDuration,
            BreakDuration = options.BreakDuration,
            OnOpened = opened =>
            {
                LogOpened(logger, topic, opened.BreakDuration, opened.Outcome.Exception is { } e ? OutboxFailures.Describe(e) : "");
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                LogClosed(logger, topic);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox {Topic}: attempt {Attempt} failed with {Failure}; the next in {Delay}")]
    private static partial void LogRetry(ILogger logger, string topic, int attempt, string failure, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox {Topic}: most deliveries fail; circuit open for {BreakDuration}, its rows wait meanwhile (last: {Failure})")]
    private static partial void LogOpened(ILogger logger, string topic, TimeSpan breakDuration, string failure);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox {Topic}: circuit closed, deliveries flow again")]
    private static partial void LogClosed(ILogger logger, string topic);
}

/// <summary>What a failed delivery is called in the table and the logs: never an exception's own message, which may quote an address.</summary>
internal static class OutboxFailures
{
    public static string Describe(Exception failure) => failure switch
    {
        OutboxDeliveryException known => known.Message,
        Polly.Timeout.TimeoutRejectedException timeout => $"timeout after {timeout.Timeout.TotalSeconds:0.###} s",
        BrokenCircuitException => "circuit open",
        Npgsql.PostgresException postgres => $"database error {postgres.SqlState}",
        _ => failure.GetType().Name,
    };
}
