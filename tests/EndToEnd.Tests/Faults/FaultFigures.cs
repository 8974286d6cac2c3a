using System.Globalization;
using CacheCluster.Tests.EndToEnd;
using Xunit.Abstractions;

namespace CacheCluster.Tests.Faults;

/// <summary>
/// Writes each fault test's measured figures to its output and to <c>bench/results/faults-latest.md</c>, which the
/// first report of a test run starts afresh.
/// </summary>
internal static class FaultFigures
{
    private static readonly Lock Gate = new();
    private static bool _started;

    public static string FilePath => Path.Combine(BuiltPrograms.SolutionDirectory, "bench", "results", "faults-latest.md");

    public static void Report(ITestOutputHelper output, string title, IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }

        var section = $"## {title}\n\n{string.Join("\n", lines.Select(line => "- " + line))}\n\n";
        lock (Gate)
        {
            if (!_started)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
                File.WriteAllText(
                    FilePath,
                    "# Fault tests: the latest run\n\n" +
                    "Written by `tests/EndToEnd.Tests/Faults` on every run (`./test.sh`): Redis with AOF, 3 silo processes and 2 load-client " +
                    "processes on one machine " +
                    string.Create(CultureInfo.InvariantCulture, $"({Environment.ProcessorCount} cores), {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC.\n\n"));
                _started = true;
            }

            File.AppendAllText(FilePath, section);
        }
    }

    public static string Ms(long milliseconds) => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:N0} ms");

    public static string Ms(TimeSpan time) => Ms((long)time.TotalMilliseconds);
}
