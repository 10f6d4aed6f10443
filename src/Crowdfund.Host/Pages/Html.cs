using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Crowdfund.Host.Pages;

/// <summary>
/// A piece of HTML that is safe to write as it is. The pages are minimal-API endpoints writing HTML (the host is
/// minimal APIs throughout; Razor would bring the MVC or component pipeline and a second way of routing for three
/// small pages). Safety comes from the type: every value put into an <c>Html</c> interpolation is encoded, except
/// another <see cref="Html"/>, so a backer's or the team's text can never become markup.
/// </summary>
public readonly struct Html(string value)
{
    public static readonly Html Empty = new("");

    public string Value => value ?? "";

    public override string ToString() => Value;

    public static Html Of(ref HtmlHandler html) => html.ToHtml();

    /// <summary>Markup written in this assembly's source only, never built from input.</summary>
    public static Html Raw(string trusted) => new(trusted);

    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p.Value)));

    public static Html When(bool condition, Html html) => condition ? html : Empty;

    public IResult ToResult(int status = 200) => Results.Content(Value, "text/html; charset=utf-8", Encoding.UTF8, status);
}

[InterpolatedStringHandler]
public ref struct HtmlHandler
{
    // Letters of every script pass as they are ("Español", "€"); markup characters and quotes are still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
    private readonly StringBuilder builder;

    public HtmlHandler(int literalLength, int formattedCount) => builder = new StringBuilder(literalLength + formattedCount * 16);

    public void AppendLiteral(string literal) => builder.Append(literal);

    public void AppendFormatted(Html html) => builder.Append(html.Value);

    public void AppendFormatted(IEnumerable<Html> parts)
    {
        foreach (var part in parts) builder.Append(part.Value);
    }

    public void AppendFormatted(string? text) => builder.Append(Encoder.Encode(text ?? ""));

    public void AppendFormatted<T>(T value) where T : IFormattable =>
        builder.Append(Encoder.Encode(value.ToString(null, System.Globalization.CultureInfo.InvariantCulture)));

    internal Html ToHtml() => new(builder.ToString());
}
