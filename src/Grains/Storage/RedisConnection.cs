using StackExchange.Redis;

namespace CacheCluster.Storage;

/// <summary>
/// The silo's one Redis connection, shared by the stores and Orleans' Redis clustering.
/// </summary>
/// <remarks>
/// <para>
/// While Redis is unreachable, commands fail at once instead of queueing until the connection string's
/// <c>asyncTimeout</c> (5 s by default): the multiplexer runs with <see cref="BacklogPolicy.FailFast"/>, so a command
/// issued while no connection is open fails in microseconds, with the reason (refused, authentication…).
/// </para>
/// <para>
/// A Redis that stops answering without closing the connection (a hung process, a network partition) shows up as a
/// command timing out after the configured <c>asyncTimeout</c>. From then on commands fail at once too, until Redis
/// answers a PING again (one probe at a time, PINGing until Redis answers or the connection is restored).
/// </para>
/// </remarks>
internal sealed class RedisConnection : IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);

    private readonly ConfigurationOptions _configuration;
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;
    private ConnectionMultiplexer? _connected;

    // 1 after a command timed out, until a PING is answered; 1 while the probe runs; 1 once disposed.
    private int _unresponsive;
    private int _probing;
    private int _disposed;

    public RedisConnection(string connectionString)
    {
        _configuration = ConfigurationOptions.Parse(connectionString);

        // A Redis that is down at start-up must not abort the silo: StackExchange.Redis keeps reconnecting.
        _configuration.AbortOnConnectFail = false;

        // No backlog: a command issued while disconnected fails now, not after asyncTimeout.
        _configuration.BacklogPolicy = BacklogPolicy.FailFast;
        _multiplexer = new(ConnectAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ConfigurationOptions Configuration => _configuration;

    /// <summary>
    /// Gets a value indicating whether Redis is not known to be unreachable: connected (or not tried yet, in which case
    /// the next command connects), and not unresponsive since a timeout. Costs no round trip.
    /// </summary>
    public bool IsAvailable => Volatile.Read(ref _connected) is not { IsConnected: false } && Volatile.Read(ref _unresponsive) == 0;

    public async Task<IConnectionMultiplexer> GetMultiplexerAsync() => await _multiplexer.Value.ConfigureAwait(false);

    public async Task<IDatabase> GetDatabaseAsync() => (await GetMultiplexerAsync().ConfigureAwait(false)).GetDatabase();

    /// <summary>
    /// Runs one command (or one script) against Redis, and turns every failure into a
    /// <see cref="CacheStorageException"/> that says whether the command may have been applied.
    /// </summary>
    /// <param name="operation">What the command does, for messages: "write the entry", "read the limiter checkpoint".</param>
    /// <param name="command">The command.</param>
    /// <exception cref="CacheStorageException">
    /// Redis is unreachable, timed out, or refused the command. It carries no inner exception: it crosses grain
    /// boundaries, and StackExchange.Redis' exceptions have no Orleans codec. The message says what happened.
    /// </exception>
    public async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> command)
    {
        // While disconnected, the command itself fails at once (no backlog) with the reason the connection is down.
        var multiplexer = await GetMultiplexerAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _unresponsive) != 0)
        {
            Probe(multiplexer);
            throw new CacheStorageException($"Redis stopped answering (a command timed out after {_configuration.AsyncTimeout} ms) and has not answered since; did not {operation}.");
        }

        try
        {
            return await command(multiplexer.GetDatabase()).ConfigureAwait(false);
        }
        catch (RedisTimeoutException)
        {
            Volatile.Write(ref _unresponsive, 1);
            Probe(multiplexer);
            throw new CacheStorageException($"Redis did not answer within {_configuration.AsyncTimeout} ms; could not {operation}, and a write may or may not have been applied.");
        }
        catch (TimeoutException)
        {
            Volatile.Write(ref _unresponsive, 1);
            Probe(multiplexer);
            throw new CacheStorageException($"Redis did not answer in time; could not {operation}, and a write may or may not have been applied.");
        }
        catch (RedisConnectionException ex) when (ex.CommandStatus is CommandStatus.WaitingToBeSent or CommandStatus.WaitingInBacklog)
        {
            throw new CacheStorageException($"Redis is unreachable ({Reason(ex)}); did not {operation}.");
        }
        catch (RedisConnectionException ex)
        {
            throw new CacheStorageException($"The connection to Redis failed ({ex.FailureType}) during the command; could not {operation}, and a write may or may not have been applied.");
        }
        catch (RedisException ex)
        {
            throw new CacheStorageException($"Redis refused the command; could not {operation}: {RedisConnectionString.Redact(ClusterFailure.FirstLine(ex.Message))}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, 1);
        if (_multiplexer.IsValueCreated)
        {
            try
            {
                await (await _multiplexer.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (RedisException)
            {
                // Connecting failed; there is nothing to close.
            }
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var multiplexer = await ConnectionMultiplexer.ConnectAsync(_configuration).ConfigureAwait(false);

        // A new connection answers by definition: no need to wait for a probe after a reconnect.
        multiplexer.ConnectionRestored += (_, _) => Volatile.Write(ref _unresponsive, 0);
        Volatile.Write(ref _connected, multiplexer);
        return multiplexer;
    }

    /// <summary>
    /// Unless a probe runs already, PINGs Redis until it answers (once a second while PINGs fail at once), then makes
    /// the connection available again.
    /// </summary>
    private void Probe(IConnectionMultiplexer multiplexer)
    {
        if (Interlocked.Exchange(ref _probing, 1) != 0)
        {
            return;
        }

        _ = ProbeAsync(multiplexer);
    }

    private async Task ProbeAsync(IConnectionMultiplexer multiplexer)
    {
        try
        {
            while (Volatile.Read(ref _unresponsive) != 0 && Volatile.Read(ref _disposed) == 0)
            {
                try
                {
                    await multiplexer.GetDatabase().PingAsync().ConfigureAwait(false);
                    Volatile.Write(ref _unresponsive, 0);
                }
                catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
                {
                    await Task.Delay(ProbeInterval, TimeProvider.System).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _probing, 0);
        }
    }

    /// <summary>
    /// Why no connection is open: the failure type of the last attempt and its cause, such as
    /// <c>AuthenticationFailure: NOAUTH …</c> or <c>UnableToConnect: Connection refused</c>.
    /// </summary>
    internal static string Reason(RedisConnectionException exception)
    {
        var attempt = exception.InnerException as RedisConnectionException ?? exception;
        var cause = attempt.InnerException?.Message;
        var reason = cause is null ? attempt.FailureType.ToString() : $"{attempt.FailureType}: {ClusterFailure.FirstLine(cause)}";
        return RedisConnectionString.Redact(reason);
    }
}
