namespace CacheCluster.FaultLoad.Application;

/// <summary>
/// The application-side load (<c>--mode app</c>): what an application server does with its cache, on a few keys that
/// all its workers share, against a "database" in this process whose per-key versions are the values' generations.
/// </summary>
internal sealed record AppLoadSettings
{
    /// <summary>The shared keys <c>app:0</c> … ; every worker may use any of them.</summary>
    public int Keys { get; init; } = Report.AppOperations.DefaultKeys;

    /// <summary>GetOrSet tasks; each asks for a random key every <see cref="GetOrSetInterval"/> (sooner after a slow call).</summary>
    public int GetOrSetWorkers { get; init; } = 8;

    public TimeSpan GetOrSetInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>How long the factory takes, as a database query would; it then returns the key's current generation.</summary>
    public TimeSpan FactoryDelay { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>TryGet tasks; each reads a random key every <see cref="ReadInterval"/>.</summary>
    public int Readers { get; init; } = 4;

    public TimeSpan ReadInterval { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Mutator tasks; mutator m alone changes the keys k with k mod <see cref="Mutators"/> = m, one change at a time (so
    /// no two changes of a key race): it bumps the key's generation in the database, then Sets the new value or Removes
    /// the key (half each). A failed Set is followed by a Remove, as an application does to drop what it could not replace.
    /// </summary>
    public int Mutators { get; init; } = 4;

    public TimeSpan MutateInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The phase from whose mark on the mutators leave the upper half of the keys alone (<see cref="IsQuiet"/>), so that
    /// what the fault left there, a Remove lost or applied, stays for the checker to read.
    /// </summary>
    public string QuietAfterPhase { get; init; } = "back";

    public TimeSpan EntryTimeToLive { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether the client's near cache is on (<c>--near-cache</c>).</summary>
    public bool NearCache { get; init; }

    /// <summary>Whether key <paramref name="index"/> is left alone from <see cref="QuietAfterPhase"/> on.</summary>
    public bool IsQuiet(int index) => index >= Keys / 2;

    public static string Key(int index) => Report.AppOperations.Key(index);
}
