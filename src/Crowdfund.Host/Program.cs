using Crowdfund.Host.Api;
using Crowdfund.Host.Hosting;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.AddCrowdfund();

var app = builder.Build();
app.MapCrowdfund();
try
{
    await app.RunAsync();
    return 0;
}
catch (OptionsValidationException invalid)
{
    // A setting the host cannot work with: say which, in one line, rather than a stack trace.
    await Console.Error.WriteLineAsync($"Crowdfund cannot start: {string.Join(" ", invalid.Failures)}");
    return 2;
}

/// <summary>Entry point; the tests reach it (WebApplicationFactory) through InternalsVisibleTo.</summary>
internal partial class Program;
