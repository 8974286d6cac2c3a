namespace CacheCluster.Tests.EndToEnd;

/// <summary>How a program run to completion ended: its exit code and everything it wrote, byte for byte.</summary>
public sealed record ProcessResult(string Program, IReadOnlyList<string> Arguments, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Gets stdout as the bytes written, for output that is not text.</summary>
    public byte[] StdoutBytes { get; init; } = [];

    public override string ToString() =>
        $"{Program} {string.Join(' ', Arguments.Select(Quote))}\n  exit code: {ExitCode}\n  stdout: {Stdout}\n  stderr: {Stderr}";

    private static string Quote(string argument) => argument.Length == 0 || argument.Contains(' ', StringComparison.Ordinal) ? $"'{argument}'" : argument;
}
