namespace Crowdfund.Infrastructure.Postgres;

/// <summary>Where the system of record lives. Bound from <c>ConnectionStrings:Crowdfund</c>.</summary>
public sealed class DatabaseOptions
{
    public const string ConnectionStringName = "Crowdfund";

    public string ConnectionString { get; set; } = "";
}
