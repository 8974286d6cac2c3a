namespace CacheCluster;

// Shared source, compiled into each project that reports errors in one line (Grains, Client, the CLI) as an internal
// type of each: one helper, no public API for string formatting, no InternalsVisibleTo.

/// <summary>Error messages as a person reads them.</summary>
internal static class ErrorText
{
    /// <summary>Returns the first line of <paramref name="message"/>: library messages can carry whole stack traces.</summary>
    /// <param name="message">The message.</param>
    /// <returns>The first line, without trailing white space.</returns>
    public static string FirstLine(string message)
    {
        var end = message.AsSpan().IndexOfAny('\r', '\n');
        return (end < 0 ? message : message[..end]).TrimEnd();
    }
}
