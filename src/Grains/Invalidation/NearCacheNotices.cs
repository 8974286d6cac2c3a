using System.Collections.Concurrent;
using CacheCluster.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Invalidation;

/// <summary>
/// The silo's notices to near caches (<see cref="INearCacheObserver"/>). A single change is told at once, one notice per
/// key and client, as before. While a batch removal holds the notices (<see cref="Hold"/>), they are gathered instead and
/// sent, when the last hold ends, as one <see cref="INearCacheObserver.InvalidateManyAsync"/> per client. It also keeps
/// the clients known to be gone (<see cref="ForgetClient"/>), so that no notice goes to them.
/// </summary>
internal sealed partial class NearCacheNotices(CacheClusterMetrics metrics, ILogger<NearCacheNotices> logger)
{
    /// <summary>The most keys in one batched notice: a bound on one message's size.</summary>
    internal const int MaxKeysPerNotice = 4096;

    /// <summary>The most gone clients remembered; past it the list starts again (their trackers are forgotten by then).</summary>
    private const int MaxGoneClients = 10_000;

    private readonly ConcurrentDictionary<GrainId, byte> _goneClients = new();
    private readonly Lock _lock = new();
    private volatile Dictionary<GrainId, (INearCacheObserver Observer, List<string> Keys)>? _held;

    // Set once a client was ever forgotten: until then a notice asks nothing of _goneClients (whose IsEmpty and Count
    // take every one of its locks).
    private volatile bool _anyGone;
    private int _holds;

    /// <summary>Gets how many batched notices were sent (for tests).</summary>
    public long BatchesSent => Interlocked.Read(ref _batchesSent);

    private long _batchesSent;

    /// <summary>Gathers notices until the returned scope ends; scopes nest and overlap, the last one to end sends.</summary>
    public Scope Hold()
    {
        lock (_lock)
        {
            _holds++;
            _held ??= [];
        }

        return new Scope(this);
    }

    /// <summary>Tells each of <paramref name="trackers"/> that <paramref name="key"/> changed, skipping clients that are gone.</summary>
    public void Notify(IEnumerable<KeyValuePair<GrainId, INearCacheObserver>> trackers, string key)
    {
        var count = 0;

        // No batch holds notices (the usual case): send at once, without the lock every writer of a tracked key shares.
        // A hold that starts meanwhile only misses this notice, which goes out on its own, as outside a batch.
        if (_held is not null)
        {
            lock (_lock)
            {
                if (_held is { } held)
                {
                    foreach (var (id, observer) in trackers)
                    {
                        if (IsGone(id))
                        {
                            continue;
                        }

                        if (!held.TryGetValue(id, out var pending))
                        {
                            held[id] = pending = (observer, []);
                        }

                        pending.Keys.Add(key);
                        count++;
                    }

                    metrics.NearCacheNotices(count);
                    return;
                }
            }
        }

        foreach (var (id, observer) in trackers)
        {
            if (IsGone(id))
            {
                continue;
            }

            count++;
            try
            {
                // One-way: a client that is gone costs nothing here.
                _ = observer.InvalidateAsync(key);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogDebugNoticeFailed(ex);
            }
        }

        metrics.NearCacheNotices(count);
    }

    /// <summary>Whether the tracker <paramref name="tracker"/> (a client's observer) belongs to a client known to be gone.</summary>
    public bool IsGone(GrainId tracker) => _anyGone && ClientOf(tracker) is { } client && _goneClients.ContainsKey(client);

    /// <summary>Whether <paramref name="client"/> is known to be gone (it said it stops, or was found dropped).</summary>
    public bool IsClientGone(GrainId client) => _anyGone && _goneClients.ContainsKey(client);

    /// <summary>Remembers that <paramref name="client"/> is gone: its trackers get no notice.</summary>
    /// <returns><see langword="true"/> if it was not known to be gone.</returns>
    public bool ForgetClient(GrainId client)
    {
        if (_goneClients.Count >= MaxGoneClients)
        {
            _goneClients.Clear();
        }

        _anyGone = true;
        return _goneClients.TryAdd(client, 0);
    }

    /// <summary>The client of an observer's grain id (<c>{client}+{observer}</c> in the client's grain type), or null.</summary>
    public static GrainId? ClientOf(GrainId observer)
    {
        var key = observer.Key.AsSpan();
        var separator = key.IndexOf((byte)'+');
        return separator < 0 ? null : GrainId.Create(observer.Type, new IdSpan(key[..separator].ToArray()));
    }

    private void Release()
    {
        Dictionary<GrainId, (INearCacheObserver Observer, List<string> Keys)>? send = null;
        lock (_lock)
        {
            if (--_holds == 0)
            {
                send = _held;
                _held = null;
            }
        }

        if (send is null)
        {
            return;
        }

        foreach (var (_, (observer, keys)) in send)
        {
            try
            {
                if (keys.Count == 1)
                {
                    _ = observer.InvalidateAsync(keys[0]);
                    continue;
                }

                for (var start = 0; start < keys.Count; start += MaxKeysPerNotice)
                {
                    _ = observer.InvalidateManyAsync([.. keys.Skip(start).Take(MaxKeysPerNotice)]);
                    Interlocked.Increment(ref _batchesSent);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogDebugNoticeFailed(ex);
            }
        }
    }

    /// <summary>A hold on the notices (<see cref="Hold"/>); ending it sends what was gathered if no other hold remains.</summary>
    internal readonly struct Scope(NearCacheNotices owner) : IDisposable
    {
        public void Dispose() => owner?.Release();
    }

    [LoggerMessage(1041, LogLevel.Debug, "A near-cache client could not be told of a change")]
    private partial void LogDebugNoticeFailed(Exception exception);
}
