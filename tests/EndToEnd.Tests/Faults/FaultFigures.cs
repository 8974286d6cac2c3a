using System.Globalization;
using CacheCluster.Tests.EndToEnd;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// Writes each fault test's measured figures to its output and to a Markdown file, which the first report of a test
/// run starts afresh. The file is outside the source tree (<see cref="DefaultFileName"/> in the temp directory), so a
/// read-only checkout passes, unless <see cref="PathVariable"/> names another one: a relative path there is taken from
/// the solution directory, so <c>CACHECLUSTER_FAULT_FIGURES=bench/results/faults-latest.md</c> refreshes the tracked
/// figures.
/// </summary>
internal static class FaultFigures
{
    /// <summary>The environment variable that names the figures file.</summary>
    public const string PathVariable = "CACHECLUSTER_FAULT_FIGURES";

    public const string DefaultFileName = "cachecluster-faults-latest.md";

    private static readonly Lock Gate = new();
    private static bool _started;

    public static string FilePath { get; } = Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path
        ? Path.GetFullPath(path, BuiltPrograms.SolutionDirectory)
        : Path.Combine(Path.GetTempPath(), DefaultFileName);

    public static void Report(ITestOutputHelper output, string title, IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        output.WriteLine($"(figures also written to {FilePath}; set {PathVariable} to write them elsewhere)");
        var section = $"## {title}\n\n{string.Join("\n", lines.Select(line => "- " + line))}\n\n";
        lock (Gate)
        {
            if (!_started)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
                File.WriteAllText(
                    FilePath,
                    "# Fault tests: the latest run\n\n" +
                    $"Written by `tests/EndToEnd.Tests/Faults` (to the file `{PathVariable}` names, else to `{DefaultFileName}` in the temp directory): " +
                    "Redis with AOF, 3 silo processes and 2 load-client processes on one machine " +
                    string.Create(CultureInfo.InvariantCulture, $"({Environment.ProcessorCount} cores), {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC.\n\n"));
                _started = true;
            }

            File.AppendAllText(FilePath, section);
        }
    }

    public static string Ms(long milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:N0} ms");

    public static string Ms(TimeSpan time) => Ms((long)time.TotalMilliseconds);
}
