using System.Globalization;

namespace CacheCluster.FaultLoad.Application;

/// <summary>
/// The phases of a run, marked by the test on stdin (<c>phase NAME [UNIX-MS]</c>): each phase runs from its mark to
/// the next one. Operations are put in the phase in which they started (a Remove in the phase it was issued), when the
/// report is made, so a mark may arrive late or name a time still to come.
/// </summary>
internal sealed class PhaseMarks
{
    private readonly List<(string Name, long AtMs)> _marks = [];

    /// <summary>Parses a <c>phase</c> line; returns <see langword="false"/> when <paramref name="line"/> is not one.</summary>
    public bool TryMark(string line, long nowMs)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 2 or > 3 || !parts[0].Equals("phase", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var at = nowMs;
        if (parts.Length == 3 && !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out at))
        {
            return false;
        }

        lock (_marks)
        {
            _marks.Add((parts[1], at));
        }

        return true;
    }

    /// <summary>Whether phase <paramref name="name"/> has been marked and has begun by <paramref name="nowMs"/>.</summary>
    public bool Reached(string name, long nowMs)
    {
        lock (_marks)
        {
            return _marks.Exists(m => m.Name == name && m.AtMs <= nowMs);
        }
    }

    /// <summary>The phases from <paramref name="startedAtMs"/> (phase <c>start</c>) to <paramref name="stoppedAtMs"/>, in time order.</summary>
    public IReadOnlyList<(string Name, long FromMs, long ToMs)> Phases(long startedAtMs, long stoppedAtMs)
    {
        List<(string Name, long AtMs)> marks;
        lock (_marks)
        {
            marks = [("start", startedAtMs), .. _marks.Where(m => m.AtMs > startedAtMs).OrderBy(m => m.AtMs)];
        }

        return [.. marks.Select((m, i) => (m.Name, m.AtMs, i + 1 < marks.Count ? marks[i + 1].AtMs : Math.Max(stoppedAtMs, m.AtMs)))];
    }
}
