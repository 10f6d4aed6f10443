namespace Crowdfund.Host.Pages;

/// <summary>
/// The dashboard's charts as inline SVG, drawn on the server: they show with scripts off, and the live feed sends
/// them redrawn like any other part of a panel. Coordinates are whole numbers, so a panel's markup only changes when
/// what it shows visibly moves.
/// </summary>
internal static class Charts
{
    private const int Width = 420, LabelWidth = 90, BarSpan = 260, Row = 26;

    /// <summary>One horizontal bar: a solid part and a light part after it, with its label and the text at its end.</summary>
    public sealed record Bar(string Label, long Solid, long Light, string Text);

    /// <summary>Horizontal bars against a common scale (at least <paramref name="scale"/>), with a goal line when given.</summary>
    public static Html Bars(string title, IReadOnlyList<Bar> bars, long scale = 0, long? goal = null)
    {
        if (bars.Count == 0) return Html.Empty;
        var height = Row * bars.Count + 4;
        var max = Math.Max(1, Math.Max(Math.Max(scale, goal ?? 0), bars.Max(b => b.Solid + b.Light)));
        int X(long value) => LabelWidth + (int)Math.Round(BarSpan * (double)value / max);
        var rows = bars.Select((bar, n) =>
        {
            var y = 4 + n * Row;
            int solidEnd = X(bar.Solid), lightEnd = X(bar.Solid + bar.Light);
            return Html.Of($"""
                <text x="0" y="{y + 15}" class="label">{bar.Label}</text><rect x="{LabelWidth}" y="{y}" width="{solidEnd - LabelWidth}" height="18" class="solid"/><rect x="{solidEnd}" y="{y}" width="{lightEnd - solidEnd}" height="18" class="light"/><text x="{lightEnd + 6}" y="{y + 15}" class="value">{bar.Text}</text>
                """);
        });
        var line = goal is { } g ? Html.Of($"""<line x1="{X(g)}" x2="{X(g)}" y1="0" y2="{height}" class="goal-line"/>""") : Html.Empty;
        return Html.Of($"""<svg viewBox="0 0 {Width} {height}" role="img" aria-label="{title}" class="chart">{rows}{line}</svg>""");
    }

    /// <summary>
    /// Units over time: the recorded moments and now, the goal as a line, and the forecast as a dashed line to the
    /// moment the goal is expected. Now is taken to the minute, so that the chart does not move with every read.
    /// </summary>
    public static Html Pace(string title, IReadOnlyList<(DateTimeOffset At, int Units)> moments, DateTimeOffset now, int units,
        int goal, DateTimeOffset? expected)
    {
        now = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, now.Offset);
        var points = moments.OrderBy(m => m.At).Append((At: now, Units: units)).ToList();
        var start = points[0].At;
        var end = expected is { } e && e > now ? e : now;
        var span = Math.Max(1, (end - start).TotalSeconds);
        var top = Math.Max(1, Math.Max(goal, units));
        int X(DateTimeOffset at) => 10 + (int)Math.Round(400 * (at - start).TotalSeconds / span);
        int Y(int u) => 110 - (int)Math.Round(100.0 * u / top);
        var series = string.Join(" ", points.Select(p => $"{X(p.At)},{Y(p.Units)}"));
        var forecast = expected is not null
            ? Html.Of($"""<line x1="{X(now)}" y1="{Y(units)}" x2="{X(end)}" y2="{Y(goal)}" class="forecast"/>""")
            : Html.Empty;
        return Html.Of($"""
            <svg viewBox="0 0 {Width} 120" role="img" aria-label="{title}" class="chart"><line x1="10" x2="410" y1="{Y(goal)}" y2="{Y(goal)}" class="goal-line"/><polyline points="{series}" class="series"/>{forecast}</svg>
            """);
    }
}
