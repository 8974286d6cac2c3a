namespace CacheCluster.Cli.Commands;

/// <summary>Writes stored bytes to stdout exactly as they are.</summary>
internal static class StandardOutput
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>Gets or sets whether a value always ends with a newline, as in the interactive mode, where a prompt follows it.</summary>
    public static bool AlwaysEndValuesWithNewLine { get; set; }

    /// <summary>Writes <paramref name="data"/>, adding a newline only when a person is reading the terminal.</summary>
    public static Task WriteValueAsync(byte[] data, CancellationToken cancellationToken) =>
        WriteLinesAsync([data], Console.IsOutputRedirected && !AlwaysEndValuesWithNewLine ? [] : NewLine, cancellationToken);

    /// <summary>Writes each element followed by a newline.</summary>
    public static Task WriteLinesAsync(IEnumerable<byte[]> elements, CancellationToken cancellationToken) =>
        WriteLinesAsync(elements, NewLine, cancellationToken);

    private static async Task WriteLinesAsync(IEnumerable<byte[]> elements, byte[] separator, CancellationToken cancellationToken)
    {
        await using var stdout = Console.OpenStandardOutput();
        foreach (var element in elements)
        {
            await stdout.WriteAsync(element, cancellationToken);
            await stdout.WriteAsync(separator, cancellationToken);
        }

        await stdout.FlushAsync(cancellationToken);
    }
}
