namespace CacheCluster.Cli.Commands;

/// <summary>Reads a value from stdin (<c>set KEY -</c>), byte for byte.</summary>
internal static class StandardInput
{
    /// <summary>The VALUE argument that means "read stdin".</summary>
    public const string Marker = "-";

    /// <summary>
    /// The most any cluster accepts (the silo's <c>CacheCluster:MaxValueBytes</c> is at most 64 MiB); the cluster's own
    /// limit, 1 MiB by default, is checked by the silo, which refuses a bigger value with nothing stored.
    /// </summary>
    public const int MaxBytes = 64 * 1024 * 1024;

    /// <summary>Reads stdin to its end; <see langword="null"/> when it holds more than <see cref="MaxBytes"/> (the rest is not read).</summary>
    public static async Task<byte[]?> ReadAsync(CancellationToken cancellationToken)
    {
        await using var stdin = Console.OpenStandardInput();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stdin.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
