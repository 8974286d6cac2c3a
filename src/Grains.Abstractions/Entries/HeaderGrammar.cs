namespace CacheCluster;

/// <summary>
/// The character sets of what entries carry into HTTP headers: tags (<c>Cache-Tag</c>, <c>Surrogate-Key</c>, Varnish
/// bans) and content types (<c>Content-Type</c>). Both are ASCII, so that every GET of a written entry can answer.
/// </summary>
internal static class HeaderGrammar
{
    /// <summary>
    /// Tells whether <paramref name="c"/> is an RFC 9110 <c>tchar</c>: a visible ASCII character other than a separator
    /// (<c>"(),/:;&lt;=&gt;?@[\]{}</c>), space or control.
    /// </summary>
    public static bool IsTokenChar(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9')
            or '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';

    /// <summary>
    /// Tells whether <paramref name="c"/> may appear in a tag: a token character, or <c>:</c> and <c>/</c> (as in
    /// <c>product:42</c>, <c>team/a</c>). No space, comma, quote, backslash or non-ASCII character: CDNs split tag
    /// headers on spaces and commas, and a Varnish ban expression breaks on spaces and quotes.
    /// </summary>
    public static bool IsTagChar(char c) => IsTokenChar(c) || c is ':' or '/';

    /// <summary>
    /// Tells whether <paramref name="value"/> is an RFC 9110 media type, in ASCII: <c>type "/" subtype *( OWS ";" OWS
    /// parameter )</c>, where type, subtype and a parameter's name are tokens, and its value is a token or a
    /// quoted-string (visible ASCII, space and tab, with <c>\</c> quoting a character).
    /// </summary>
    public static bool IsMediaType(string value)
    {
        var i = 0;
        if (!Token(value, ref i) || !Expect(value, ref i, '/') || !Token(value, ref i))
        {
            return false;
        }

        while (true)
        {
            SkipWhitespace(value, ref i);
            if (i == value.Length)
            {
                return true;
            }

            if (!Expect(value, ref i, ';'))
            {
                return false;
            }

            SkipWhitespace(value, ref i);
            if (!Token(value, ref i) || !Expect(value, ref i, '='))
            {
                return false;
            }

            if (i < value.Length && value[i] == '"' ? !QuotedString(value, ref i) : !Token(value, ref i))
            {
                return false;
            }
        }
    }

    private static bool Token(string value, ref int i)
    {
        var start = i;
        while (i < value.Length && IsTokenChar(value[i]))
        {
            i++;
        }

        return i > start;
    }

    private static bool Expect(string value, ref int i, char c)
    {
        if (i < value.Length && value[i] == c)
        {
            i++;
            return true;
        }

        return false;
    }

    private static void SkipWhitespace(string value, ref int i)
    {
        while (i < value.Length && value[i] is ' ' or '\t')
        {
            i++;
        }
    }

    private static bool QuotedString(string value, ref int i)
    {
        i++;
        while (i < value.Length)
        {
            var c = value[i++];
            if (c == '"')
            {
                return true;
            }

            if (c == '\\')
            {
                if (i == value.Length || !IsQuotedChar(value[i]))
                {
                    return false;
                }

                i++;
            }
            else if (!IsQuotedChar(c))
            {
                return false;
            }
        }

        return false;
    }

    private static bool IsQuotedChar(char c) => c is '\t' or (>= ' ' and <= '~');
}
