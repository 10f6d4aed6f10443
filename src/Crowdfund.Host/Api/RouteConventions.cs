using Crowdfund.Messages;

namespace Crowdfund.Host.Api;

public static class RouteConventions
{
    /// <summary>A read route that also answers HEAD (the same status and headers, no body), as HTTP expects.</summary>
    public static RouteHandlerBuilder MapRead(this IEndpointRouteBuilder routes, string pattern, Delegate handler) =>
        routes.MapMethods(pattern, [HttpMethods.Get, HttpMethods.Head], handler);

    /// <summary>
    /// A HEAD answer carries the headers of the GET and no body. Kestrel drops the body itself; this makes it so on any
    /// server (the test server keeps it otherwise).
    /// </summary>
    public static IApplicationBuilder UseHeadWithoutBody(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (HttpMethods.IsHead(context.Request.Method)) context.Response.Body = Stream.Null;
        return next(context);
    });

    /// <summary>
    /// Declares the refusals a route may answer, so that the OpenAPI document lists each of their statuses as a
    /// problem+json response next to the success the handler's typed result declares.
    /// </summary>
    public static TBuilder Refuses<TBuilder>(this TBuilder builder, params Refusal[] refusals)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in refusals.Select(r => ApiProblems.Of(r).Status).Distinct().Order())
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails),
                ["application/problem+json"]));
        return builder;
    }
}
