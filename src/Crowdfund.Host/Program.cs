using Crowdfund.Host.Api;
using Crowdfund.Host.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddCrowdfund();

var app = builder.Build();
app.MapCrowdfund();
app.Run();

/// <summary>Entry point, public so that WebApplicationFactory can host it in tests.</summary>
public partial class Program;
