using System.Security.Claims;
using Crowdfund.Host.Api;
using Crowdfund.Host.Hosting;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Pages;

/// <summary>
/// The team's browser session: the team key is typed once into the sign-in form and exchanged for an HttpOnly,
/// SameSite=Strict cookie (ASP.NET Core's cookie authentication, its ticket protected by Data Protection), so no
/// script on the page ever holds the key. Every form carries an anti-forgery token, checked before anything else.
/// </summary>
internal static class TeamSession
{
    public const string Scheme = "CrowdfundTeam";
    public const string CookieName = "crowdfund-team";

    public static void AddTeamSession(this IServiceCollection services)
    {
        services.AddAuthentication().AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            // Secure whenever the page came over HTTPS; ./build.sh run serves plain HTTP on loopback.
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Cookie.Path = "/team";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/team/sign-in";
            // A script's request (the live feed, an export) gets a 401 rather than the sign-in page.
            cookie.Events.OnRedirectToLogin = context =>
            {
                if (context.Request.Path.StartsWithSegments("/team/c") && context.Request.Path.Value!.Contains("/events", StringComparison.Ordinal))
                    context.Response.StatusCode = 401;
                else context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            };
        });
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "crowdfund-antiforgery";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.FormFieldName = "__form";
        });
    }

    /// <summary>Whether the request carries a valid team cookie.</summary>
    public static async Task<bool> IsSignedInAsync(HttpContext context) =>
        (await context.AuthenticateAsync(Scheme)).Succeeded;

    /// <summary>An endpoint filter: the signed-in team passes; others go to the sign-in page (or get a 401 on the live feed).</summary>
    public static async ValueTask<object?> RequireTeam(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (await IsSignedInAsync(context.HttpContext)) return await next(context);
        await context.HttpContext.ChallengeAsync(Scheme);
        return Results.Empty;
    }

    /// <summary>The hidden anti-forgery field of a form.</summary>
    public static Html Antiforgery(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Html.Of($"""<input type="hidden" name="{tokens.FormFieldName}" value="{tokens.RequestToken}">""");
    }

    /// <summary>True when a posted form's anti-forgery token matches its cookie.</summary>
    public static Task<bool> IsValidFormAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);

    public static bool IsTeamKey(HttpContext context, string? given) => given is { Length: > 0 } && TeamEndpoints.IsTeamKey(
        context.RequestServices.GetRequiredService<IOptions<EdgeSettings>>().Value.TeamApiKey, given);

    public static Task SignInAsync(HttpContext context) =>
        context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, "team")], Scheme)));

    public static Task SignOutAsync(HttpContext context) => context.SignOutAsync(Scheme);
}
