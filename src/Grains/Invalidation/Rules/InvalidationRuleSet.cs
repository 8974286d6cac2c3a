using System.Text.Json;
using CacheCluster.Hosting;
using Microsoft.Extensions.Options;

namespace CacheCluster.Invalidation.Rules;

/// <summary>The configured rules, compiled once, by event type.</summary>
internal sealed class InvalidationRuleSet
{
    private readonly Dictionary<string, InvalidationRule> _rules;

    public InvalidationRuleSet(IOptions<InvalidationOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        _rules = options.Value.Rules.ToDictionary(r => r.Key, r => InvalidationRule.Compile(r.Key, r.Value, failures), StringComparer.Ordinal);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(InvalidationOptions), failures);
        }
    }

    /// <summary>Gets the targets of an event, or <see cref="InvalidationTargets.None"/> when no rule names its type (counted as unmatched).</summary>
    /// <exception cref="InvalidDomainEventException">The data lacks a field a rule needs, or yields an invalid target.</exception>
    public InvalidationTargets Resolve(string eventType, JsonElement data, out bool matched)
    {
        matched = _rules.TryGetValue(eventType, out var rule);
        return rule?.Apply(data) ?? InvalidationTargets.None;
    }

    /// <summary>Compiles every rule and returns the configuration errors.</summary>
    public static IEnumerable<string> Validate(InvalidationOptions options)
    {
        var failures = new List<string>();
        foreach (var (eventType, rule) in options.Rules)
        {
            InvalidationRule.Compile(eventType, rule, failures);
        }

        return failures;
    }
}
