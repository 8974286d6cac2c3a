// Shared source: compiled into CacheCluster.Grains (which validates and matches patterns for invalidation), the CLI
// (which checks a glob before connecting) and
// CacheCluster.Client (whose near cache drops the local entries an announced pattern covers). Each assembly gets its
// own internal copy, in its own namespace, so a project that sees both (the tests) is not left with two equal names.
#if CACHECLUSTER_CLIENT
namespace CacheCluster.NearCache;
#else
namespace CacheCluster.Invalidation;
#endif

/// <summary>
/// A glob over cache keys: <c>*</c> (any run), <c>?</c> (one character), <c>[abc]</c>, <c>[a-z]</c>, <c>[!abc]</c>
/// or <c>[^abc]</c>, and <c>\</c> escaping the next character. Matching simulates all pattern positions at once, so
/// it takes time proportional to key length × pattern length whatever the pattern: no backtracking blow-up.
/// </summary>
internal sealed class CacheKeyPattern
{
    /// <summary>The longest pattern accepted.</summary>
    public const int MaxLength = 256;

    private readonly Token[] _tokens;

    private CacheKeyPattern(string text, Token[] tokens)
    {
        Text = text;
        _tokens = tokens;
    }

    /// <summary>Gets the pattern as given.</summary>
    public string Text { get; }

    /// <summary>
    /// Gets the literal text every match starts with: the pattern up to its first <c>*</c>, <c>?</c> or <c>[</c>, with
    /// escapes resolved. Empty for <c>*</c>, <c>?*</c> or <c>[a-z]*</c>, which reach into every part of the key space.
    /// </summary>
    public string LiteralPrefix
    {
        get
        {
            var prefix = new System.Text.StringBuilder();
            foreach (var token in _tokens)
            {
                if (token.Kind != TokenKind.Literal)
                {
                    break;
                }

                prefix.Append(token.Literal);
            }

            return prefix.ToString();
        }
    }

    /// <summary>
    /// Gets a value indicating whether the pattern has no literal prefix, so that it may match any key (such as <c>*</c>
    /// or <c>?*</c>): removing by it needs the explicit allow-all flag.
    /// </summary>
    public bool IsUnanchored => _tokens.Length == 0 || _tokens[0].Kind != TokenKind.Literal;

    /// <summary>Parses a pattern.</summary>
    /// <param name="pattern">The glob.</param>
    /// <returns>The compiled pattern.</returns>
    /// <exception cref="InvalidCacheOptionsException">Empty, too long, control characters, an unterminated class or a trailing backslash.</exception>
    public static CacheKeyPattern Parse(string? pattern)
    {
        if (string.IsNullOrEmpty(pattern))
        {
            throw new InvalidCacheOptionsException("A key pattern must not be empty.");
        }

        if (pattern.Length > MaxLength)
        {
            throw new InvalidCacheOptionsException($"A key pattern is at most {MaxLength} characters (was {pattern.Length}).");
        }

        if (pattern.Any(char.IsControl))
        {
            throw new InvalidCacheOptionsException("A key pattern must not contain control characters.");
        }

        var tokens = new List<Token>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    // Consecutive stars are one star.
                    if (tokens.Count == 0 || tokens[^1].Kind != TokenKind.Star)
                    {
                        tokens.Add(new Token(TokenKind.Star, default, []));
                    }

                    break;
                case '?':
                    tokens.Add(new Token(TokenKind.Any, default, []));
                    break;
                case '\\':
                    if (++i == pattern.Length)
                    {
                        throw new InvalidCacheOptionsException($"The key pattern '{pattern}' ends with a lone backslash.");
                    }

                    tokens.Add(new Token(TokenKind.Literal, pattern[i], []));
                    break;
                case '[':
                    tokens.Add(ParseClass(pattern, ref i));
                    break;
                default:
                    tokens.Add(new Token(TokenKind.Literal, c, []));
                    break;
            }
        }

        return new CacheKeyPattern(pattern, [.. tokens]);
    }

    /// <summary>Tells whether <paramref name="key"/> matches the whole pattern.</summary>
    /// <param name="key">The key.</param>
    /// <returns><see langword="true"/> on a match.</returns>
    public bool IsMatch(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var states = _tokens.Length + 1;
        Span<bool> current = states <= 512 ? stackalloc bool[states] : new bool[states];
        Span<bool> next = states <= 512 ? stackalloc bool[states] : new bool[states];
        current.Clear();
        current[0] = true;
        Close(current);
        foreach (var c in key)
        {
            next.Clear();
            var any = false;
            for (var s = 0; s < _tokens.Length; s++)
            {
                if (!current[s])
                {
                    continue;
                }

                var token = _tokens[s];
                if (token.Kind == TokenKind.Star)
                {
                    next[s] = true;
                    any = true;
                }
                else if (token.Matches(c))
                {
                    next[s + 1] = true;
                    any = true;
                }
            }

            if (!any)
            {
                return false;
            }

            Close(next);
            var swap = current;
            current = next;
            next = swap;
        }

        return current[_tokens.Length];
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>A star may match nothing: whoever reaches it also reaches the position after it.</summary>
    private void Close(Span<bool> states)
    {
        for (var s = 0; s < _tokens.Length; s++)
        {
            if (states[s] && _tokens[s].Kind == TokenKind.Star)
            {
                states[s + 1] = true;
            }
        }
    }

    private static Token ParseClass(string pattern, ref int i)
    {
        var start = i;
        i++;
        var negated = i < pattern.Length && pattern[i] is '!' or '^';
        if (negated)
        {
            i++;
        }

        var ranges = new List<(char From, char To)>();
        var first = true;
        while (i < pattern.Length && (pattern[i] != ']' || first))
        {
            first = false;
            var from = pattern[i];
            if (from == '\\')
            {
                if (++i == pattern.Length)
                {
                    break;
                }

                from = pattern[i];
            }

            var to = from;
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                to = pattern[i + 2];
                i += 2;
                if (to < from)
                {
                    throw new InvalidCacheOptionsException($"The key pattern '{pattern}' has a reversed range '{from}-{to}'.");
                }
            }

            ranges.Add((from, to));
            i++;
        }

        if (i >= pattern.Length)
        {
            throw new InvalidCacheOptionsException($"The key pattern '{pattern}' has a '[' at {start} that is never closed.");
        }

        return new Token(negated ? TokenKind.NotInClass : TokenKind.InClass, default, [.. ranges]);
    }

    private enum TokenKind : byte
    {
        Literal,
        Any,
        Star,
        InClass,
        NotInClass,
    }

    private readonly record struct Token(TokenKind Kind, char Literal, (char From, char To)[] Ranges)
    {
        public bool Matches(char c) => Kind switch
        {
            TokenKind.Literal => c == Literal,
            TokenKind.Any => true,
            TokenKind.InClass => InRanges(c),
            TokenKind.NotInClass => !InRanges(c),
            _ => false,
        };

        private bool InRanges(char c)
        {
            foreach (var (from, to) in Ranges)
            {
                if (c >= from && c <= to)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
