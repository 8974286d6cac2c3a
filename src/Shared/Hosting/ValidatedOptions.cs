using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Hosting;

/// <summary>
/// How every CacheCluster host (silo, HTTP API, client) registers an options type: bound and configured when it is
/// registered, checked then by the type's <see cref="IValidateOptions{TOptions}"/>, and provided as
/// <see cref="IOptions{TOptions}"/>. A failure throws an <see cref="OptionsValidationException"/> whose failures name
/// the configuration keys at fault, so a bad value stops the host before it starts (the programs exit with code 2).
/// Registering the same type again configures the same instance further and checks it again.
/// </summary>
/// <remarks>Shared source: compiled into each host project, so none needs another's internals.</remarks>
internal static class ValidatedOptions
{
    /// <summary>Gets the options of this type registered so far, or creates and registers them; then binds, configures and checks them.</summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section to bind, or <see langword="null"/>.</param>
    /// <param name="configure">Changes applied after binding, or <see langword="null"/>.</param>
    /// <param name="validator">The type's validator.</param>
    /// <param name="added">Whether this call registered the type (so the caller registers the feature's services once).</param>
    /// <returns>The registered instance.</returns>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static TOptions Add<TOptions>(IServiceCollection services, IConfiguration? section, Action<TOptions>? configure, IValidateOptions<TOptions> validator, out bool added)
        where TOptions : class, new()
    {
        var options = Find<TOptions>(services);
        added = options is null;
        if (options is null)
        {
            options = new TOptions();
            services.AddSingleton<IOptions<TOptions>>(Options.Create(options));
        }

        section?.Bind(options);
        configure?.Invoke(options);
        Check(options, validator);
        return options;
    }

    /// <summary>Gets the options of this type registered so far, or <see langword="null"/>.</summary>
    public static TOptions? Find<TOptions>(IServiceCollection services)
        where TOptions : class =>
        services.LastOrDefault(d => d.ServiceType == typeof(IOptions<TOptions>) && !d.IsKeyedService)?.ImplementationInstance is IOptions<TOptions> registered
            ? registered.Value
            : null;

    /// <summary>Checks the options, throwing when the validator finds them invalid.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static void Check<TOptions>(TOptions options, IValidateOptions<TOptions> validator)
        where TOptions : class
    {
        var result = validator.Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures);
        }
    }

    /// <summary>Runs one registration, collecting its failures instead of throwing, so a host reports every bad key at once.</summary>
    public static void Collect(List<string> failures, Action register)
    {
        try
        {
            register();
        }
        catch (OptionsValidationException ex)
        {
            failures.AddRange(ex.Failures);
        }
    }
}
