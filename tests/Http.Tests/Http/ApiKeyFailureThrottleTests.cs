using System.Net;
using CacheCluster.Http.Auth;
using CacheCluster.Http.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Http;

/// <summary>Wrong API keys counted per address in a fixed window on the injected clock; memory stays bounded.</summary>
public sealed class ApiKeyFailureThrottleTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private ApiKeyFailureThrottle Create(int attempts = 3) =>
        new(Options.Create(new CacheClusterHttpOptions { FailedKeyAttempts = attempts, FailedKeyWindow = TimeSpan.FromMinutes(1) }), _clock);

    [Fact]
    public void Throttle_AtTheLimit_RefusesUntilTheWindowFromTheFirstFailureEnds()
    {
        var throttle = Create();
        var address = IPAddress.Parse("192.0.2.1");

        throttle.RecordFailure(address);
        _clock.Advance(TimeSpan.FromSeconds(15));
        throttle.RecordFailure(address);
        var belowLimit = throttle.RetryAfter(address);
        throttle.RecordFailure(address);
        var atLimit = throttle.RetryAfter(address);
        _clock.Advance(TimeSpan.FromSeconds(45));
        var windowOver = throttle.RetryAfter(address);

        Assert.Equal(((TimeSpan?)null, (TimeSpan?)TimeSpan.FromSeconds(45), (TimeSpan?)null), (belowLimit, atLimit, windowOver));
        Assert.Equal(0, throttle.Count);
    }

    [Fact]
    public void Throttle_CountsIPv4AndItsMappedFormTogether_AndIPv6ByItsSlash64()
    {
        var throttle = Create(attempts: 2);

        throttle.RecordFailure(IPAddress.Parse("192.0.2.7"));
        throttle.RecordFailure(IPAddress.Parse("::ffff:192.0.2.7"));
        throttle.RecordFailure(IPAddress.Parse("2001:db8:1:2::1"));
        throttle.RecordFailure(IPAddress.Parse("2001:db8:1:2:ffff::9"));

        Assert.NotNull(throttle.RetryAfter(IPAddress.Parse("192.0.2.7")));
        Assert.NotNull(throttle.RetryAfter(IPAddress.Parse("2001:db8:1:2::42")));
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("192.0.2.8")));
    }

    [Fact]
    public void Throttle_BeyondMaxAddresses_NewAddressesShareOneBucket_AndExpiredOnesMakeRoom()
    {
        var throttle = Create(attempts: 2);
        for (var i = 0; i < ApiKeyFailureThrottle.MaxAddresses; i++)
        {
            throttle.RecordFailure(new IPAddress(BitConverter.GetBytes(0x0A000000 + i)));
        }

        throttle.RecordFailure(IPAddress.Parse("198.51.100.1"));
        throttle.RecordFailure(IPAddress.Parse("198.51.100.2"));
        var shared = (throttle.Count, throttle.RetryAfter(IPAddress.Parse("198.51.100.3")) is not null);
        _clock.Advance(TimeSpan.FromMinutes(1));
        throttle.RecordFailure(IPAddress.Parse("198.51.100.4"));

        Assert.Equal((ApiKeyFailureThrottle.MaxAddresses + 1, true), shared);
        Assert.Equal(1, throttle.Count);
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("198.51.100.3")));
    }
}
