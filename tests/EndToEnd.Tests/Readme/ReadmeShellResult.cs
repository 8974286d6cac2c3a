namespace CacheCluster.Tests.Readme;

/// <summary>How README shell text run by <see cref="ReadmeShell"/> ended.</summary>
/// <param name="ExitCode">bash's exit code; -1 when it was killed at its bound.</param>
/// <param name="TimedOut">Whether it was still running at its bound.</param>
/// <param name="Stdout">Everything it wrote to stdout.</param>
/// <param name="Stderr">Everything it wrote to stderr.</param>
internal sealed record ReadmeShellResult(int ExitCode, bool TimedOut, string Stdout, string Stderr)
{
    public override string ToString() =>
        $"exit code {ExitCode}{(TimedOut ? " (killed at its bound)" : string.Empty)}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
