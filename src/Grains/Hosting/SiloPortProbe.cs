using System.Net;
using System.Net.Sockets;

namespace CacheCluster.Hosting;

/// <summary>A TCP connect to a silo's port that tells "nothing listens there" apart from everything else.</summary>
internal static class SiloPortProbe
{
    /// <summary>
    /// Returns <see langword="true"/> only when a connect to <paramref name="endpoint"/> is refused (a reset: no process
    /// listens on the port). An accepted connection, a timeout after <paramref name="timeout"/>, an unreachable network
    /// or any other error return <see langword="false"/>: they prove nothing about the process.
    /// </summary>
    public static async Task<bool> RefusesAsync(IPEndPoint endpoint, TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(timeProvider);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            await socket.ConnectAsync(endpoint, linked.Token).ConfigureAwait(false);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
