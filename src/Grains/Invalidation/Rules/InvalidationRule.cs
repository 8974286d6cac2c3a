using System.Globalization;
using System.Text;
using System.Text.Json;
using CacheCluster.Hosting;

namespace CacheCluster.Invalidation.Rules;

/// <summary>
/// A compiled rule: templates split into literal text and <c>{field}</c> placeholders (dotted paths reach into nested
/// objects; <c>{{</c> and <c>}}</c> are literal braces). Applying it either yields every target or throws before anything
/// is applied.
/// </summary>
internal sealed class InvalidationRule
{
    private readonly Template[] _keys;
    private readonly Template[] _patterns;
    private readonly Template[] _tags;
    private readonly Template? _entity;

    private InvalidationRule(string eventType, Template[] keys, Template[] patterns, Template[] tags, Template? entity)
    {
        EventType = eventType;
        _keys = keys;
        _patterns = patterns;
        _tags = tags;
        _entity = entity;
    }

    public string EventType { get; }

    /// <summary>Compiles a configured rule; the messages name the configuration key at fault.</summary>
    public static InvalidationRule Compile(string eventType, InvalidationRuleOptions options, List<string> failures)
    {
        var prefix = $"{CacheClusterOptions.SectionName}:Invalidation:Rules:{eventType}:";
        Template[] Parse(List<string> templates, string list) =>
            [.. templates.Select((t, i) => Template.Parse(t, $"{prefix}{list}:{i}", failures))];

        if (options.Keys.Count + options.Patterns.Count + options.Tags.Count == 0)
        {
            failures.Add($"{CacheClusterOptions.SectionName}:Invalidation:Rules:{eventType} names no Keys, Patterns or Tags.");
        }

        var entity = options.Entity is null ? null : Template.Parse(options.Entity, $"{prefix}Entity", failures);
        var patterns = Parse(options.Patterns, "Patterns");
        for (var i = 0; i < patterns.Length; i++)
        {
            // A rule may never reach into every part of the key space: it is applied without allowAll.
            if (patterns[i].IsWellFormed && patterns[i].MinimumLiteralPrefix == 0)
            {
                failures.Add($"{prefix}Patterns:{i} ('{options.Patterns[i]}') must start with literal text or a placeholder, not a wildcard.");
            }
        }

        return new InvalidationRule(eventType, Parse(options.Keys, "Keys"), patterns, Parse(options.Tags, "Tags"), entity);
    }

    /// <summary>Fills the placeholders from <paramref name="data"/> and checks every result.</summary>
    /// <exception cref="InvalidDomainEventException">A field is missing or not a scalar, or a result is not a valid key, pattern or tag.</exception>
    public InvalidationTargets Apply(JsonElement data)
    {
        var keys = _keys.Select(t => t.Fill(data, EventType, escapeGlob: false)).ToArray();
        var patterns = _patterns.Select(t => t.Fill(data, EventType, escapeGlob: true)).ToArray();
        var tags = _tags.Select(t => t.Fill(data, EventType, escapeGlob: false)).ToArray();
        var entity = _entity?.Fill(data, EventType, escapeGlob: false);
        try
        {
            foreach (var key in keys)
            {
                CacheKey.Validate(key);
            }

            for (var i = 0; i < patterns.Length; i++)
            {
                // Values are escaped and never empty, so this holds by construction; it is checked all the same,
                // because a rule that came out wider than written must never be applied.
                var parsed = CacheKeyPattern.Parse(patterns[i]);
                if (parsed.IsUnanchored || parsed.LiteralPrefix.Length < _patterns[i].MinimumLiteralPrefix)
                {
                    throw new InvalidDomainEventException(
                        $"The rule for '{EventType}' would invalidate more than it names: the pattern '{patterns[i]}' has a shorter literal prefix than the rule's own.");
                }
            }

            foreach (var tag in tags)
            {
                CacheKey.ValidateTag(tag);
            }
        }
        catch (InvalidCacheRequestException ex) when (ex is not InvalidDomainEventException)
        {
            throw new InvalidDomainEventException($"The rule for '{EventType}' produced an invalid target: {ex.Message}");
        }

        return new InvalidationTargets(keys, patterns, tags) { Entity = entity };
    }

    private sealed class Template(string text, (string Literal, string? Field)[] parts)
    {
        /// <summary>Gets a value indicating whether the template parsed (a malformed one is reported once, by Parse).</summary>
        public bool IsWellFormed => parts.Length > 0;

        /// <summary>
        /// Gets the shortest literal prefix the template yields as a pattern: every value is escaped and at least one
        /// character long, so each placeholder adds at least one literal character.
        /// </summary>
        public int MinimumLiteralPrefix
        {
            get
            {
                var sample = new StringBuilder(text.Length);
                foreach (var (literal, placeholder) in parts)
                {
                    sample.Append(placeholder is null ? literal : "x");
                }

                try
                {
                    return CacheKeyPattern.Parse(sample.ToString()).LiteralPrefix.Length;
                }
                catch (InvalidCacheOptionsException)
                {
                    return 0;
                }
            }
        }

        public static Template Parse(string text, string configurationKey, List<string> failures)
        {
            var parts = new List<(string, string?)>();
            var literal = new StringBuilder();
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if ((c == '{' || c == '}') && i + 1 < text.Length && text[i + 1] == c)
                {
                    literal.Append(c);
                    i++;
                }
                else if (c == '{')
                {
                    var end = text.IndexOf('}', i + 1);
                    var field = end < 0 ? string.Empty : text[(i + 1)..end];
                    if (field.Length == 0 || field.Any(ch => ch is '{' or '}' || char.IsWhiteSpace(ch)))
                    {
                        failures.Add($"{configurationKey} has a malformed placeholder in '{text}'.");
                        return new Template(text, []);
                    }

                    parts.Add((literal.ToString(), null));
                    literal.Clear();
                    parts.Add((string.Empty, field));
                    i = end;
                }
                else if (c == '}')
                {
                    failures.Add($"{configurationKey} has an unmatched '}}' in '{text}'.");
                    return new Template(text, []);
                }
                else
                {
                    literal.Append(c);
                }
            }

            parts.Add((literal.ToString(), null));
            return new Template(text, [.. parts]);
        }

        public string Fill(JsonElement data, string eventType, bool escapeGlob)
        {
            var result = new StringBuilder(text.Length + 16);
            foreach (var (literal, field) in parts)
            {
                if (field is null)
                {
                    result.Append(literal);
                    continue;
                }

                var value = Lookup(data, field) ?? throw new InvalidDomainEventException(
                    $"The rule for '{eventType}' needs the field '{field}', which the event's data lacks or holds as an object, array or null.");
                if (value.Length == 0)
                {
                    // An empty value would widen the rule: user:{user_id}:* would become user::*, a key of another shape.
                    throw new InvalidDomainEventException($"The rule for '{eventType}' needs a non-empty value for the field '{field}'.");
                }

                result.Append(escapeGlob ? EscapeGlob(value) : value);
            }

            return result.ToString();
        }

        private static string? Lookup(JsonElement data, string path)
        {
            var current = data;
            foreach (var name in path.Split('.'))
            {
                if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
                {
                    return null;
                }
            }

            return current.ValueKind switch
            {
                JsonValueKind.String => current.GetString(),
                JsonValueKind.Number => current.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
        }

        private static string EscapeGlob(string value)
        {
            var escaped = new StringBuilder(value.Length + 4);
            foreach (var c in value)
            {
                if (c is '*' or '?' or '[' or ']' or '\\')
                {
                    escaped.Append('\\');
                }

                escaped.Append(c);
            }

            return escaped.ToString();
        }
    }
}
