using System.Net;
using System.Net.Sockets;
using CacheCluster.Http.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Auth;

/// <summary>
/// Counts wrong API keys per client address (an IPv6 client's whole /64, which one host usually owns) in a fixed
/// window from the address's first wrong key: past <see cref="CacheClusterHttpOptions.FailedKeyAttempts"/>, the
/// address is refused until the window ends, whatever key it sends, so guessing a key runs at a few tries a minute.
/// At most <see cref="MaxAddresses"/> addresses are tracked; beyond them, new addresses share one bucket (they are
/// throttled together rather than not at all). Time is the injected cache clock.
/// </summary>
internal sealed class ApiKeyFailureThrottle(
    IOptions<CacheClusterHttpOptions> options,
    [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock)
{
    /// <summary>The most addresses tracked at once.</summary>
    public const int MaxAddresses = 10_000;

    private static readonly UInt128 Unknown = UInt128.MaxValue;
    private static readonly UInt128 Overflow = UInt128.MaxValue - 1;

    private readonly Lock _lock = new();
    private readonly Dictionary<UInt128, (DateTimeOffset Start, int Count)> _failures = [];
    private readonly int _limit = options.Value.FailedKeyAttempts;
    private readonly TimeSpan _window = options.Value.FailedKeyWindow;

    /// <summary>Gets how many addresses are tracked now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _failures.Count;
            }
        }
    }

    /// <summary>Returns how long <paramref name="address"/> must wait before its key is checked again, or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter(IPAddress? address)
    {
        lock (_lock)
        {
            if (_failures.Count == 0)
            {
                return null;
            }

            var now = clock.GetUtcNow();
            var bucket = Bucket(address);
            if (!_failures.TryGetValue(bucket, out var entry) && !(_failures.Count >= MaxAddresses && _failures.TryGetValue(bucket = Overflow, out entry)))
            {
                return null;
            }

            var left = entry.Start + _window - now;
            if (left <= TimeSpan.Zero)
            {
                _failures.Remove(bucket);
                return null;
            }

            return entry.Count >= _limit ? left : null;
        }
    }

    /// <summary>Counts a wrong key from <paramref name="address"/>.</summary>
    public void RecordFailure(IPAddress? address)
    {
        lock (_lock)
        {
            var now = clock.GetUtcNow();
            var bucket = Bucket(address);
            if (!_failures.ContainsKey(bucket) && _failures.Count >= MaxAddresses)
            {
                foreach (var (expired, _) in _failures.Where(pair => pair.Value.Start + _window <= now).ToList())
                {
                    _failures.Remove(expired);
                }

                if (_failures.Count >= MaxAddresses)
                {
                    bucket = Overflow;
                }
            }

            _failures[bucket] = _failures.TryGetValue(bucket, out var entry) && entry.Start + _window > now
                ? (entry.Start, entry.Count + 1)
                : (now, 1);
        }
    }

    /// <summary>An IPv4 address (also when mapped into IPv6) whole; an IPv6 address by its /64.</summary>
    private static UInt128 Bucket(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        Span<byte> bytes = stackalloc byte[16];
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address.TryWriteBytes(bytes[12..], out _);
            bytes[10] = bytes[11] = 0xff;
        }
        else
        {
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
        }

        return new UInt128(BitConverter.ToUInt64(bytes[..8]), BitConverter.ToUInt64(bytes[8..]));
    }

    /// <summary>
    /// The 429 (with <c>Retry-After</c>) for an address that sent too many wrong keys, or <see langword="null"/> when
    /// it may try a key: the API's key check and the dashboard's sign-in share it.
    /// </summary>
    public Microsoft.AspNetCore.Http.IResult? Refusal(Microsoft.AspNetCore.Http.HttpContext context)
    {
        if (RetryAfter(context.Connection.RemoteIpAddress) is not { } wait)
        {
            return null;
        }

        context.Response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return CacheCluster.Http.Problems.HttpProblems.Result(CacheCluster.Http.Problems.ProblemKind.RateLimited, "Too many requests from this address had a wrong API key; try again after Retry-After seconds.");
    }
}
