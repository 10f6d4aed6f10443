using Crowdfund.Messages;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Orleans.Runtime;

namespace Crowdfund.Host.Api;

/// <summary>
/// Errors the framework raises on its own (no route, wrong method, an unhandled exception) answer problem+json in the
/// API's own vocabulary, and failures that a retry will get past answer 503 with Retry-After.
/// </summary>
public static partial class ProblemHandling
{
    /// <summary>Seconds a client waits before retrying a 503; the Idempotency-Key makes the retry safe.</summary>
    public const int RetryAfterSeconds = 1;

    public static IServiceCollection AddCrowdfundProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            if (problem.Type?.StartsWith(ApiProblems.TypePrefix, StringComparison.Ordinal) == true) return;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (ApiProblems.ForStatus(status) is { } refusal)
            {
                var kind = ApiProblems.Of(refusal);
                (problem.Type, problem.Title) = (kind.Type, kind.Title);
            }
            else
            {
                problem.Type = $"{ApiProblems.TypePrefix}http-{status}";
            }
            // Internals (exception messages, stack traces) never leave the host.
            problem.Detail = null;
            problem.Extensions.Remove("exception");
        });
        services.AddExceptionHandler<RetryableFailureHandler>();
        return services;
    }

    /// <summary>Every 503 tells the client when to come back.</summary>
    public static IApplicationBuilder UseRetryAfter(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            if (context.Response.StatusCode == StatusCodes.Status503ServiceUnavailable
                && !context.Response.Headers.ContainsKey("Retry-After"))
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>
    /// A silo that died (its grains unreachable until the cluster declares it dead), a message Orleans could not
    /// deliver, or a database that is restarting: nothing was acknowledged, and a retry after a moment goes through.
    /// </summary>
    private sealed partial class RetryableFailureHandler(IProblemDetailsService problems, ILogger<RetryableFailureHandler> logger)
        : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
        {
            if (!IsRetryable(exception)) return false;
            LogUnavailable(logger, exception.GetType().Name);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            var kind = ApiProblems.Of(Refusal.Unavailable);
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = kind.Status, Type = kind.Type, Title = kind.Title },
            });
        }

        private static bool IsRetryable(Exception exception) => exception switch
        {
            SiloUnavailableException or OrleansMessageRejectionException or Orleans.Runtime.Messaging.ConnectionFailedException => true,
            TimeoutException => true,
            NpgsqlException npgsql => npgsql.IsTransient,
            AggregateException aggregate => aggregate.InnerExceptions.All(IsRetryable),
            _ => exception.InnerException is { } inner && IsRetryable(inner),
        };

        [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: a retryable {Exception}")]
        private static partial void LogUnavailable(ILogger logger, string exception);
    }
}
