using System.Globalization;

namespace Crowdfund.StripeEmulator.Http;

/// <summary>
/// One value of a Stripe form: a string, or a bag of named children. Stripe's bracket notation does not say whether
/// <c>a[0]</c> is a list or an object with the key "0" (metadata keys may be digits), so both are kept as ordered
/// children and the reader decides: <see cref="Items"/> for lists, <see cref="Fields"/> for objects.
/// </summary>
internal sealed class FormValue
{
    private readonly List<KeyValuePair<string, FormValue>> children = [];

    private FormValue(string? text) => Text = text;

    public static FormValue Object() => new(null);

    public static FormValue Leaf(string text) => new(text);

    /// <summary>The string, when this value is one; Stripe sends an empty string to clear a field.</summary>
    public string? Text { get; }

    public bool IsText => Text is not null;

    public IEnumerable<KeyValuePair<string, FormValue>> Fields => children;

    /// <summary>Children as a list: numeric keys in index order, then <c>[]</c> appends in arrival order.</summary>
    public IEnumerable<FormValue> Items => children
        .Select((child, position) => (child, position))
        .OrderBy(x => long.TryParse(x.child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : long.MaxValue)
        .ThenBy(x => x.position)
        .Select(x => x.child.Value);

    public FormValue? this[string name] => children.LastOrDefault(c => c.Key == name).Value;

    public bool Has(string name) => children.Any(c => c.Key == name);

    /// <summary>Adds or replaces a child; <paramref name="name"/> is null for <c>[]</c>, which always appends.</summary>
    public FormValue Set(string? name, FormValue value)
    {
        if (name is null)
        {
            children.Add(new(children.Count.ToString(CultureInfo.InvariantCulture), value));
            return value;
        }
        var at = children.FindIndex(c => c.Key == name);
        if (at >= 0) children[at] = new(name, value);
        else children.Add(new(name, value));
        return value;
    }

    /// <summary>The child object of that name, created when missing or when it was a string.</summary>
    public FormValue ChildObject(string? name)
    {
        if (name is not null && this[name] is { IsText: false } existing) return existing;
        return Set(name, Object());
    }

    /// <summary>Every leaf as <c>a[b][0]=v</c>, sorted: a stable fingerprint of the parameters for idempotency.</summary>
    public IEnumerable<string> Flatten(string prefix = "")
    {
        if (IsText)
        {
            yield return $"{prefix}={Text}";
            yield break;
        }
        foreach (var (name, child) in children.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            foreach (var line in child.Flatten(prefix.Length == 0 ? name : $"{prefix}[{name}]")) yield return line;
        }
    }
}
