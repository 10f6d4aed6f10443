using System.Globalization;
using System.Text.Json;
using Crowdfund.Domain;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Host.Factory;
using Crowdfund.Infrastructure.Factory;
using Crowdfund.Infrastructure.Messaging.Backers;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.Messages;
using Crowdfund.Messages.Payments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Pages;

/// <summary>
/// <c>/pledges/{id}?token=...</c>, the page the backers' mail links to: the pledge, its amounts, and what the backer
/// can do now. Changing and cancelling are plain forms posted here (they work with scripts off); saving or replacing a
/// card runs in card.js against the payment-setup API, with the pledge's own token.
/// </summary>
internal static class BackerPage
{
    private static readonly PledgeStatus[] Changeable = [PledgeStatus.Reserved, PledgeStatus.Confirmed];
    private static readonly PledgeStatus[] NeedsCard = [PledgeStatus.Reserved, PledgeStatus.PaymentFailed, PledgeStatus.ActionRequired];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/pledges/{id:guid}", ShowAsync).ExcludeFromDescription();
        app.MapPost("/pledges/{id:guid}/change", ChangeAsync).ExcludeFromDescription();
        app.MapPost("/pledges/{id:guid}/cancel", CancelAsync).ExcludeFromDescription();
    }

    /// <param name="redirectStatus">Set by the payment provider when the backer comes back from their bank's confirmation.</param>
    private static Task<IResult> ShowAsync(Guid id, string? token, string? lang, string? done,
        [FromQuery(Name = "redirect_status")] string? redirectStatus, HttpContext context, IGrainFactory grains,
        IOptions<StripeOptions> stripe) =>
        RenderAsync(id, token, lang, done, null, context, grains, stripe, redirectStatus);

    private static async Task<IResult> ChangeAsync(Guid id, HttpContext context, IGrainFactory grains, IOptions<StripeOptions> stripe) =>
        await ActAsync(id, context, grains, stripe, "changed", async (pledge, hash, form, current) =>
            await pledge.ChangeAsync(hash, form["tierId"].ToString() is { Length: > 0 } tier ? tier : current.TierId,
                int.TryParse(form["quantity"], NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) && quantity > 0 ? quantity : current.Quantity));

    private static async Task<IResult> CancelAsync(Guid id, HttpContext context, IGrainFactory grains, IOptions<StripeOptions> stripe) =>
        await ActAsync(id, context, grains, stripe, "cancelled", (pledge, hash, _, _) => pledge.CancelAsync(hash));

    private static async Task<IResult> ActAsync(Guid id, HttpContext context, IGrainFactory grains, IOptions<StripeOptions> stripe,
        string done, Func<IPledgeGrain, byte[], IFormCollection, PledgeView, Task<PledgeResult>> act)
    {
        if (!await TeamSession.IsValidFormAsync(context)) return TeamPages.BadForm(context);
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        var token = form["token"].ToString();
        var lang = form["lang"].ToString();
        var pledge = grains.GetGrain<IPledgeGrain>(id);
        var hash = PledgeTokens.Hash(token);
        if (token.Length == 0 || await pledge.GetAsync(hash) is not { Pledge: { } current })
            return await RenderAsync(id, token, lang, null, null, context, grains, stripe);
        var result = await act(pledge, hash, form, current);
        // Post, then redirect: a reload does not send the change again.
        if (result.Pledge is not null)
            return Results.Redirect($"/pledges/{id}?token={Uri.EscapeDataString(token)}&lang={Uri.EscapeDataString(lang)}&done={done}");
        return await RenderAsync(id, token, lang, null, ApiProblems.Of(result.Refusal).Code, context, grains, stripe);
    }

    private static async Task<IResult> RenderAsync(Guid id, string? token, string? lang, string? done, string? error,
        HttpContext context, IGrainFactory grains, IOptions<StripeOptions> stripe, string? redirectStatus = null)
    {
        var language = PageTexts.Languages.Contains(lang) ? lang! : "en";
        if (token is not { Length: > 0 } || await grains.GetGrain<IPledgeGrain>(id).GetAsync(PledgeTokens.Hash(token)) is not { Pledge: { } pledge })
            return PageLayout.Send(context, PageLayout.Page(language, "?", Html.Of($"<h1>{PageTexts.For(language)["notFound"]}</h1>")), 404);
        if (!PageTexts.Languages.Contains(lang)) language = Crowdfund.Domain.Rules.BackerLocales.Resolve(null, pledge.Country)![..2];
        var texts = PageTexts.For(language);
        var culture = PageLayout.Culture(language, pledge.Country);
        var campaign = await grains.GetGrain<ICampaignGrain>(pledge.CampaignId).GetPublicAsync();
        var tiers = campaign?.Info.Tiers ?? [];
        var tierName = tiers.FirstOrDefault(t => t.Id == pledge.TierId)?.Name ?? pledge.TierId;
        string M(long amount) => PageLayout.Money(amount, pledge.Amounts.Currency, culture);
        var live = campaign?.Info.Status == CampaignStatus.Live;
        var payment = pledge.Status is PledgeStatus.PaymentFailed or PledgeStatus.ActionRequired
            ? (await grains.GetGrain<IPledgeGrain>(id).GetPaymentAsync(PledgeTokens.Hash(token))).Payment : null;
        var emulator = stripe.Value.ApiBase;
        // What the pledge's JSON view adds from the factory, read the same way: the campaign's stages, and the order
        // of a pledge that can have one.
        var stages = await context.RequestServices.GetRequiredService<StageCache>().GetAsync(pledge.CampaignId);
        var order = PublicEndpoints.MayHaveOrder(pledge.Status)
            ? await context.RequestServices.GetRequiredService<ShipmentStore>().TrackingAsync(pledge.Id) : null;
        var body = Html.Of($"""
            <h1>{texts["pledge"]}: {campaign?.Info.Definition.Title ?? pledge.CampaignId}</h1>
            {Html.When(done is "changed" or "cancelled", Html.Of($"<p class=\"good\" role=\"status\">{texts[done ?? ""]}</p>"))}
            {Html.When(error is not null, Html.Of($"<p class=\"error\" role=\"alert\">{texts["err." + error]}</p>"))}
            <dl class="lines pledge-lines">
            <dt>{texts["status"]}</dt><dd id="status" data-status="{pledge.Status.ToString()}">{texts["s." + pledge.Status]}</dd>
            <dt>{texts["tier"]}</dt><dd>{tierName} × {pledge.Quantity}</dd>
            <dt>{texts["subtotal"]}</dt><dd>{M(pledge.Amounts.Subtotal)}</dd>
            <dt>{texts["shipping"]}</dt><dd>{M(pledge.Amounts.Shipping)}</dd>
            <dt>{texts["tax"]}</dt><dd>{M(pledge.Amounts.Tax)}</dd>
            <dt>{texts["total"]}</dt><dd class="total">{M(pledge.Amounts.Total)}</dd>
            </dl>
            {Html.When(pledge is { Status: PledgeStatus.Reserved, HoldExpiresAt: not null }, Html.Of($"<p>{texts.Format("holdUntil", pledge.HoldExpiresAt is { } hold ? PageLayout.Moment(hold, culture, pledge.Country) : "")}</p>"))}
            {(payment is null ? Html.Empty : PaymentProblem(pledge, payment, redirectStatus, token, emulator, stripe.Value.PublishableKey, texts, culture))}
            {Html.When(pledge.Status == PledgeStatus.PaymentPending, Html.Of($"""<p class="notice" role="status">{texts["s.PaymentPending"]}…</p><meta http-equiv="refresh" content="3">"""))}
            {Html.When(NeedsCard.Contains(pledge.Status), CardStep(id, token, stripe.Value, texts, CardHeading(pledge.Status), payment?.ChargeAttempts))}
            {Html.When(live && Changeable.Contains(pledge.Status), Forms(context, pledge, token, language, tiers, texts))}
            {(order is null ? Html.Empty : ProductionNews.Order(order, texts, culture, pledge.Country))}
            <section class="stages" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{texts["stages"]}</h2>
            {ProductionNews.Stages(stages, texts, culture)}
            </section>
            <script type="application/json" id="texts">{Html.Raw(JsonSerializer.Serialize(texts.ForScript()))}</script>
            """);
        return PageLayout.Send(context, PageLayout.Page(language, texts["pledge"], body, "card.js"), payments: stripe.Value);
    }

    private static string CardHeading(PledgeStatus status) => status switch
    {
        PledgeStatus.PaymentFailed => "newCard",
        PledgeStatus.ActionRequired => "otherCard",
        _ => "card",
    };

    /// <summary>
    /// What the backer does about a charge the bank declined (why, in their language, and until when a new card can be
    /// saved: the card step below) or wants confirmed (a button to their bank's confirmation, and what came of it).
    /// </summary>
    private static Html PaymentProblem(PledgeView pledge, PaymentView payment, string? redirectStatus, string token,
        string? emulator, string stripeKey, PageTexts texts, CultureInfo culture)
    {
        var amount = PageLayout.Money(payment.Amount, payment.Currency, culture);
        var fixBy = payment.FixBy is { } at ? texts.Format("fixBy", PageLayout.Moment(at, culture, pledge.Country)) : "";
        if (pledge.Status == PledgeStatus.PaymentFailed)
            return Html.Of($"""
                <section id="payment-problem" class="notice" data-decline="{payment.DeclineCode}">
                <p>{texts.Format("declined", amount)} {BackerLanguage.For(culture).DeclineReason(payment.DeclineCode)}</p>
                <p>{texts["paymentFailed"]} <strong>{fixBy}</strong></p>
                </section>
                """);
        // Back from the bank's page with its approval: the provider's event completes the payment in a moment.
        if (redirectStatus == "succeeded")
            return Html.Of($"""<p id="payment-problem" class="good" role="status">{texts["authenticated"]}</p><meta http-equiv="refresh" content="2">""");
        return Html.Of($"""
            <section id="payment-problem" class="notice">
            <p>{texts.Format("toConfirm", amount)} <strong>{fixBy}</strong></p>
            {Html.When(redirectStatus == "failed", Html.Of($"""<p class="error" role="alert">{texts["authFailed"]}</p>"""))}
            <button type="button" id="authenticate" data-pledge="{pledge.Id.ToString()}" data-token="{token}" data-emulator="{emulator}" data-stripe-key="{(emulator is { Length: > 0 } ? null : stripeKey)}">{texts["confirmPayment"]}</button>
            <p id="authenticate-status" aria-live="polite"></p>
            <noscript><p>{texts["scriptNeeded"]}</p></noscript>
            </section>
            """);
    }

    /// <summary>
    /// The card step: save (or replace) the card with the payment-setup API, then confirm it at the provider: with the
    /// emulator, a choice of its test cards; with Stripe, Stripe.js's card field. After a failed charge,
    /// <paramref name="chargeAttempts"/> lets the script wait for the charge of the new card.
    /// </summary>
    internal static Html CardStep(Guid? id, string? token, StripeOptions stripe, PageTexts texts, string heading = "card",
        int? chargeAttempts = null) => Html.Of($"""
        <section id="card-step" class="card-step" data-pledge="{id?.ToString()}" data-token="{token}" data-emulator="{stripe.ApiBase}" data-stripe-key="{(stripe.ApiBase is { Length: > 0 } ? null : stripe.PublishableKey)}" data-charge-attempts="{chargeAttempts?.ToString(CultureInfo.InvariantCulture)}"{(id is null ? " hidden" : "")} aria-live="polite">
        <h2>{texts[heading]}</h2>
        <p id="card-status">{(chargeAttempts is null ? texts["reserved"] : "")}</p>
        {(stripe.ApiBase is { Length: > 0 } ? TestCards(texts) : Html.Of($"""<label for="card-element">{texts["card"]}</label><div id="card-element" class="card-element"></div>"""))}
        <button type="button" id="save-card">{texts["saveCard"]}</button>
        <noscript><p class="notice">{texts["scriptNeeded"]}</p></noscript>
        </section>
        """);

    private static Html TestCards(PageTexts texts) => Html.Of($"""
        <label for="test-card">{texts["testCard"]}</label>
        <select id="test-card">
        <option value="pm_card_visa">Visa 4242 (pm_card_visa)</option>
        <option value="pm_card_mastercard">Mastercard 4444 (pm_card_mastercard)</option>
        <option value="pm_card_chargeDeclined">Declined (pm_card_chargeDeclined)</option>
        </select>
        """);

    private static Html Forms(HttpContext context, PledgeView pledge, string token, string language,
        IReadOnlyList<TierDefinition> tiers, PageTexts texts) => Html.Of($"""
        <form method="post" action="/pledges/{pledge.Id.ToString()}/change" class="change">
        {TeamSession.Antiforgery(context)}
        <input type="hidden" name="token" value="{token}"><input type="hidden" name="lang" value="{language}">
        <label for="change-tier">{texts["tier"]}</label>
        <select id="change-tier" name="tierId">
        {tiers.Where(t => t.ShipsToCountry(pledge.Country)).Select(t => Html.Of($"""<option value="{t.Id}"{(t.Id == pledge.TierId ? " selected" : "")}>{t.Name}</option>"""))}
        </select>
        <label for="change-quantity">{texts["quantity"]}</label>
        <input id="change-quantity" name="quantity" type="number" min="1" inputmode="numeric" value="{pledge.Quantity}">
        <button type="submit">{texts["change"]}</button>
        </form>
        <form method="post" action="/pledges/{pledge.Id.ToString()}/cancel" class="cancel">
        {TeamSession.Antiforgery(context)}
        <input type="hidden" name="token" value="{token}"><input type="hidden" name="lang" value="{language}">
        <button type="submit" class="danger">{texts["cancel"]}</button>
        </form>
        """);
}
