using Crowdfund.Host.Api;
using Crowdfund.Host.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCrowdfund();

var app = builder.Build();
app.MapCrowdfund();
app.Run();

/// <summary>Entry point; the tests reach it (WebApplicationFactory) through InternalsVisibleTo.</summary>
internal partial class Program;
