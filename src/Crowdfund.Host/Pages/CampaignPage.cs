using System.Globalization;
using System.Text.Json;
using Crowdfund.Domain;
using Crowdfund.Domain.Rules;
using Crowdfund.Grains;
using Crowdfund.Host.Api;
using Crowdfund.Host.Factory;
using Crowdfund.Infrastructure.Payments;
using Crowdfund.Messages;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Crowdfund.Host.Pages;

/// <summary>
/// <c>/c/{slug}</c>: the campaign for one country in one language, server-rendered so that it reads with scripts off.
/// The pledge form is sent by campaign.js to the public API (the same checks, idempotency and batching as any
/// client), which then saves the card; the remaining rewards and the progress refresh from the same API.
/// </summary>
internal static class CampaignPage
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet("/c/{slug}", ShowAsync).ExcludeFromDescription();

    private static async Task<IResult> ShowAsync(string slug, string? country, string? lang, HttpContext context,
        GrainReferences grains, PageViews views, IOptions<StripeOptions> stripe, StageCache stages)
    {
        if (!Identifiers.IsValid(slug) || await grains.Get<ICampaignGrain>(slug).GetPublicAsync() is not { } campaign
            || campaign.Info.Status == CampaignStatus.Draft)
            return PageLayout.Send(context, PageLayout.Page("en", "Not found", Html.Of($"<h1>{PageTexts.For("en")["notFound"]}</h1>")), 404);
        var definition = campaign.Info.Definition;
        var accepted = AcceptedLanguages(context.Request);
        var settings = (country is null ? null : definition.FindCountry(country))
            ?? accepted.Select(a => CountryOf(a, definition)).FirstOrDefault(c => c is not null)
            ?? definition.Countries[0];
        var language = PageTexts.Languages.Contains(lang) ? lang!
            : accepted.Select(a => a.Split('-')[0].ToLowerInvariant()).FirstOrDefault(PageTexts.Languages.Contains)
              ?? BackerLocales.Resolve(null, settings.Country)![..2];
        var texts = PageTexts.For(language);
        var culture = PageLayout.Culture(language, settings.Country);
        if (!HttpMethods.IsHead(context.Request.Method)) views.Count(slug, settings.Country);

        var live = campaign.Info.Status == CampaignStatus.Live;
        var emulator = stripe.Value.ApiBase;
        var posted = await stages.GetAsync(slug);
        var body = Html.Of($"""
            <header class="hero">
            <h1>{definition.Title}</h1>
            <p class="product">{definition.Product}</p>
            {Chooser(definition, settings.Country, language, texts)}
            </header>
            {Progress(campaign.Progress, texts, definition, culture, settings.Country)}
            <form id="pledge" class="pledge" method="post" novalidate data-slug="{slug}" data-country="{settings.Country}"
                  data-locale="{culture.Name}" data-emulator="{emulator}">
            <fieldset class="tiers">
            <legend><h2>{texts["tiers"]}</h2></legend>
            <p class="currency">{texts.Format("pricesIn", settings.Currency)}</p>
            {campaign.Info.Tiers.Select(t => Tier(t, settings, campaign.RemainingByTier.GetValueOrDefault(t.Id), texts, culture))}
            <p class="error" id="err-tierId" role="alert"></p>
            </fieldset>
            {(live ? PledgeFields(texts) : Html.Of($"<p class=\"notice\">{texts["notLive"]}</p>"))}
            </form>
            {BackerPage.CardStep(null, null, stripe.Value, texts)}
            <section class="stages" aria-labelledby="stages-title">
            <h2 id="stages-title">{texts["stages"]}</h2>
            {ProductionNews.Stages(posted, texts, culture)}
            </section>
            <!-- JSON in a script element is not HTML-decoded; System.Text.Json escapes <, > and & in it, so it cannot close the element. -->
            <script type="application/json" id="texts">{Html.Raw(JsonSerializer.Serialize(texts.ForScript()))}</script>
            """);
        return PageLayout.Send(context, PageLayout.Page(language, definition.Title, body, "card.js", "campaign.js"), payments: stripe.Value);
    }

    private static Html Chooser(CampaignDefinition definition, string country, string language, PageTexts texts) => Html.Of($"""
        <form class="chooser" method="get">
        <label for="country">{texts["country"]}</label>
        <select id="country" name="country">
        {definition.Countries.Select(c => Html.Of($"""<option value="{c.Country}"{Selected(c.Country == country)}>{CountryName(c.Country)}</option>"""))}
        </select>
        <label for="lang">{texts["language"]}</label>
        <select id="lang" name="lang">
        {PageTexts.Languages.Select(l => Html.Of($"""<option value="{l}" lang="{l}"{Selected(l == language)}>{PageTexts.NameOf(l)}</option>"""))}
        </select>
        <button type="submit">{texts["show"]}</button>
        </form>
        """);

    private static Html Progress(Progress progress, PageTexts texts, CampaignDefinition definition, CultureInfo culture, string country) => Html.Of($"""
        <section class="progress" aria-live="polite">
        <progress id="progress-bar" max="{progress.GoalUnits}" value="{Math.Min(progress.ConfirmedUnits, progress.GoalUnits)}"></progress>
        <p id="progress-text">{texts.Format("progress", progress.ConfirmedUnits, progress.GoalUnits)}</p>
        {Html.When(progress.ManufacturingConfirmed, Html.Of($"<p class=\"good\">{texts["confirmed"]}</p>"))}
        <p>{texts.Format("ends", PageLayout.Moment(definition.Deadline, culture, country))}</p>
        </section>
        """);

    private static Html Tier(TierDefinition tier, CountrySettings country, int? remaining, PageTexts texts, CultureInfo culture)
    {
        var quote = Pricing.Quote(tier, country, 1);
        var soldOut = remaining is <= 0;
        var open = quote is not null && !soldOut;
        var id = $"tier-{tier.Id}";
        string M(long amount) => PageLayout.Money(amount, country.Currency, culture);
        var taxLabel = country.PricesIncludeTax
            ? texts.Format("vatIncluded", PageLayout.Percent(country.TaxRateBasisPoints, culture))
            : texts.Format("taxAdded", PageLayout.Percent(country.TaxRateBasisPoints, culture));
        var availability = quote is null ? texts["noShipping"]
            : soldOut ? texts["soldOut"]
            : remaining is { } left ? texts.Format("left", left) : "";
        return Html.Of($"""
            <div class="tier{(open ? "" : " closed")}" data-tier="{tier.Id}" data-sold-out-text="{texts["soldOut"]}">
            <input type="radio" name="tierId" id="{id}" value="{tier.Id}" data-max="{tier.MaxPerBacker ?? Limits.MaxQuantityPerPledge}"{(open ? "" : " disabled")} aria-describedby="{id}-info">
            <label for="{id}"><strong>{tier.Name}</strong>{(quote is null ? "" : " — ")}{(quote is null ? "" : M(quote.Total))}</label>
            <div id="{id}-info" class="tier-info">
            {Html.When(tier.Description.Length > 0, Html.Of($"<p>{tier.Description}</p>"))}
            <p class="availability" data-remaining="{remaining?.ToString(CultureInfo.InvariantCulture)}">{availability}</p>
            {(quote is null ? Html.Empty : Lines(quote, texts, taxLabel, M))}
            {Html.When(tier.UnitsPerReward > 1, Html.Of($"<p>{texts.Format("perReward", tier.UnitsPerReward)}</p>"))}
            <p>{texts.Format("delivery", tier.EstimatedDelivery)}</p>
            </div>
            </div>
            """);
    }

    private static Html Lines(AmountLines quote, PageTexts texts, string taxLabel, Func<long, string> money) => Html.Of($"""
        <dl class="lines">
        <dt>{texts["price"]}</dt><dd>{money(quote.Subtotal)}</dd>
        <dt>{texts["shipping"]}</dt><dd>{money(quote.Shipping)}</dd>
        <dt>{taxLabel}</dt><dd class="tax">{money(quote.Tax)}</dd>
        <dt>{texts["total"]}</dt><dd class="total">{money(quote.Total)}</dd>
        </dl>
        """);

    private static Html PledgeFields(PageTexts texts) => Html.Of($"""
        <fieldset class="backer">
        <legend><h2>{texts["pledge"]}</h2></legend>
        {Field("quantity", "quantity", texts, "number", "1", "min=\"1\" inputmode=\"numeric\"")}
        {Field("backer.name", "name", texts, "text", "", "autocomplete=\"name\" required")}
        {Field("backer.email", "email", texts, "email", "", "autocomplete=\"email\" required")}
        {Field("shippingAddress.line1", "line1", texts, "text", "", "autocomplete=\"address-line1\" required")}
        {Field("shippingAddress.line2", "line2", texts, "text", "", "autocomplete=\"address-line2\"")}
        {Field("shippingAddress.city", "city", texts, "text", "", "autocomplete=\"address-level2\" required")}
        {Field("shippingAddress.region", "region", texts, "text", "", "autocomplete=\"address-level1\"")}
        {Field("shippingAddress.postalCode", "postalCode", texts, "text", "", "autocomplete=\"postal-code\" required")}
        <p class="hint">{texts["chargeLater"]}</p>
        <noscript><p class="notice">{texts["scriptNeeded"]}</p></noscript>
        <p class="error" id="err-form" role="alert"></p>
        <button type="submit" id="reserve">{texts["reserve"]}</button>
        </fieldset>
        """);

    /// <summary>A labelled input with its error next to it, named as the API names the field in its problems.</summary>
    private static Html Field(string field, string textKey, PageTexts texts, string type, string value, string attributes)
    {
        var id = "f-" + field.Replace('.', '-');
        return Html.Of($"""
            <div class="field">
            <label for="{id}">{texts[textKey]}</label>
            <input id="{id}" name="{field}" type="{type}" value="{value}" aria-describedby="err-{field}" {Html.Raw(attributes)}>
            <p class="error" id="err-{field}"></p>
            </div>
            """);
    }

    private static string Selected(bool selected) => selected ? " selected" : "";

    // The country's name in its own language ("Deutschland", "España"), which its people find in any page language.
    private static string CountryName(string code) => new RegionInfo(code).NativeName;

    /// <summary>The request's Accept-Language tags, most wanted first; the page's default country and language come from them.</summary>
    private static List<string> AcceptedLanguages(HttpRequest request) =>
        request.GetTypedHeaders().AcceptLanguage
            .Where(l => l.Value.HasValue && l.Value.Value != "*")
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value!)
            .ToList();

    /// <summary>The open country a language tag points to: its region ("fr-CA" is Canada), else its language's home ("de" is Germany).</summary>
    private static CountrySettings? CountryOf(string tag, CampaignDefinition definition)
    {
        var parts = tag.Split('-');
        if (parts.Length > 1 && definition.FindCountry(parts[^1]) is { } byRegion) return byRegion;
        var home = parts[0].ToLowerInvariant() switch { "fr" => "FR", "de" => "DE", "es" => "ES", "en" => "US", _ => null };
        return home is null ? null : definition.FindCountry(home);
    }
}
