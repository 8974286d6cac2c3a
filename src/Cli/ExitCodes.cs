namespace CacheCluster.Cli;

/// <summary>The process exit codes scripts rely on.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>A negative answer: not found, does not exist, NX/XX not met, version conflict.</summary>
    public const int No = 1;

    /// <summary>Bad usage or input; a message is on stderr.</summary>
    public const int Usage = 2;

    /// <summary>The cluster could not be reached or could not complete the operation.</summary>
    public const int Unavailable = 3;

    /// <summary>Interrupted (Ctrl+C or SIGTERM): 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;
}
