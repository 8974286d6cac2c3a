using System.Net;
using System.Net.Sockets;

namespace CacheCluster.Tests.Fixtures;

/// <summary>
/// Loopback ports for the servers the tests start. redis-server, varnishd and the silo (whose Orleans ports must be
/// known before it starts) cannot all bind port 0 and report it, so a port is picked free and may be taken by someone
/// else before the server binds it: each server then fails with "Address already in use", and its owner starts it
/// again on new ports (<see cref="FreshAttempts"/>), or, for a restart that must keep its ports, on the same ones
/// until they are free (<see cref="RestartAttempts"/> × <see cref="RestartRetryDelay"/>).
/// </summary>
public static class LoopbackPorts
{
    /// <summary>How many times a server is started on newly picked ports before its start fails.</summary>
    public const int FreshAttempts = 5;

    /// <summary>How many times a restart tries its own ports while something else still holds one of them.</summary>
    public const int RestartAttempts = 40;

    /// <summary>The pause between two restart attempts on held ports (a poll, not a measure of anything).</summary>
    public static readonly TimeSpan RestartRetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Returns a port that was free a moment ago.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Returns <paramref name="count"/> distinct ports that were free a moment ago.</summary>
    public static int[] Distinct(int count)
    {
        var ports = new HashSet<int>();
        while (ports.Count < count)
        {
            ports.Add(Next());
        }

        return [.. ports];
    }

    /// <summary>Whether a server's output says it could not bind its port (redis-server, varnishd, Kestrel and Orleans all say so).</summary>
    public static bool SaysAddressInUse(string output) =>
        output.Contains("address already in use", StringComparison.OrdinalIgnoreCase);
}
