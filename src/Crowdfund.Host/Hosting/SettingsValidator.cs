using Microsoft.Extensions.Options;

namespace Crowdfund.Host.Hosting;

/// <summary>Validates a settings class with its own rule, so that a bad setting stops the host at start, named.</summary>
internal sealed class SettingsValidator<T>(Func<T, string?> problem) : IValidateOptions<T> where T : class
{
    public ValidateOptionsResult Validate(string? name, T options) =>
        problem(options) is { } message ? ValidateOptionsResult.Fail(message) : ValidateOptionsResult.Success;
}

internal static class SettingsRegistration
{
    /// <summary>Binds <typeparamref name="T"/> to its configuration section and checks it when the host starts.</summary>
    public static IServiceCollection AddSettings<T>(this IServiceCollection services, string section, Func<T, string?> problem)
        where T : class
    {
        services.AddOptions<T>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new SettingsValidator<T>(problem));
        return services;
    }
}
