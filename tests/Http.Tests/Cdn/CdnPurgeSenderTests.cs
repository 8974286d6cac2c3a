using System.Diagnostics.Metrics;
using System.Net;
using CacheCluster.Http.Cdn;
using CacheCluster.Hosting;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Cdn;

/// <summary>Retries, backoff, Retry-After, pacing and honest failure, on fake time.</summary>
public sealed class CdnPurgeSenderTests : IDisposable
{
    private readonly TimerWatchingClock _clock = new();
    private readonly ScriptedHandler _handler = new();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly MetricRecorder _metrics;
    private readonly CdnPurgeSender _sender;

    public CdnPurgeSenderTests()
    {
        var meters = _services.GetRequiredService<IMeterFactory>();
        _metrics = new MetricRecorder([meters]);
        var options = new CdnOptions { MaxAttempts = 3 };
        _sender = new CdnPurgeSender(new HttpClient(_handler), _clock, Options.Create(options), new CdnMetrics(meters), NullLogger<CdnPurgeSender>.Instance);
    }

    public void Dispose()
    {
        _metrics.Dispose();
        _services.Dispose();
        _handler.Dispose();
    }

    private static PurgeRequest Request(string kind = "tag", int count = 2) =>
        new("test", kind, count, () => new HttpRequestMessage(HttpMethod.Post, "http://cdn.test/purge"));

    private static TestTarget Target(TimeSpan spacing = default) => new(spacing);

    [Fact]
    public async Task TooManyRequests_IsRetriedAfterItsRetryAfter_ThenSucceeds()
    {
        _handler.Responses.Enqueue(new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.FromSeconds(5)) } });
        _handler.Responses.Enqueue(new HttpResponseMessage(HttpStatusCode.OK));

        var sending = _sender.SendAsync(Target(), Request(), CancellationToken.None);
        await _clock.WaitForTimers(1);
        _clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(sending.IsCompleted);
        Assert.Equal(1, _handler.Calls);
        _clock.Advance(TimeSpan.FromSeconds(0.1));

        Assert.True(await sending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, _handler.Calls);
        Assert.Equal(2, _metrics["cachecluster.cdn.purges{kind=tag,outcome=purged,provider=test}"]);
        Assert.Equal(1, _metrics["cachecluster.cdn.retries"]);
    }

    [Fact]
    public async Task ServerErrors_BackOffExponentially_AndAfterTheLastAttempt_AreCountedAsFailed_NeverPurged()
    {
        for (var i = 0; i < 3; i++)
        {
            _handler.Responses.Enqueue(new HttpResponseMessage(HttpStatusCode.BadGateway));
        }

        var sending = _sender.SendAsync(Target(), Request(), CancellationToken.None);
        await _clock.WaitForTimers(1);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _clock.WaitForTimers(2);
        _clock.Advance(TimeSpan.FromSeconds(1.9));
        Assert.Equal(2, _handler.Calls);
        _clock.Advance(TimeSpan.FromSeconds(0.1));

        Assert.False(await sending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, _handler.Calls);
        Assert.Equal(2, _metrics["cachecluster.cdn.purges{kind=tag,outcome=failed,provider=test}"]);
        Assert.Equal(0, _metrics["cachecluster.cdn.purges{kind=tag,outcome=purged,provider=test}"]);
    }

    [Fact]
    public async Task ClientError_IsNotRetried_AndIsAFailure()
    {
        _handler.Responses.Enqueue(new HttpResponseMessage(HttpStatusCode.Forbidden));

        Assert.False(await _sender.SendAsync(Target(), Request(), CancellationToken.None));
        Assert.Equal(1, _handler.Calls);
        Assert.Equal(2, _metrics["cachecluster.cdn.purges{kind=tag,outcome=failed,provider=test}"]);
    }

    [Fact]
    public async Task UnsupportedPurge_IsNotSent_AndIsCountedAsUnsupported()
    {
        Assert.False(await _sender.SendAsync(Target(), new PurgeRequest("test", "prefix", 3, null), CancellationToken.None));
        Assert.Equal(0, _handler.Calls);
        Assert.Equal(3, _metrics["cachecluster.cdn.purges{kind=prefix,outcome=unsupported,provider=test}"]);
    }

    [Fact]
    public async Task Requests_ArePacedToTheProvidersRate()
    {
        for (var i = 0; i < 3; i++)
        {
            _handler.Responses.Enqueue(new HttpResponseMessage(HttpStatusCode.OK));
        }

        var target = Target(TimeSpan.FromMilliseconds(500));
        var sends = Enumerable.Range(0, 3).Select(_ => _sender.SendAsync(target, Request(), CancellationToken.None)).ToArray();
        await _handler.WaitForCalls(1);
        Assert.Equal(1, _handler.Calls);
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        await _handler.WaitForCalls(2);
        Assert.Equal(2, _handler.Calls);
        _clock.Advance(TimeSpan.FromMilliseconds(500));

        Assert.All(await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(10)), Assert.True);
    }

    /// <summary>A fake clock that lets a test wait until the code under test has armed its backoff delay.</summary>
    private sealed class TimerWatchingClock() : FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
        private readonly Lock _lock = new();
        private readonly List<(int Count, TaskCompletionSource Done)> _waits = [];
        private int _timers;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            lock (_lock)
            {
                _timers++;
                foreach (var wait in _waits.Where(w => w.Count <= _timers).ToList())
                {
                    wait.Done.TrySetResult();
                    _waits.Remove(wait);
                }
            }

            return timer;
        }

        public Task WaitForTimers(int count)
        {
            lock (_lock)
            {
                if (_timers >= count)
                {
                    return Task.CompletedTask;
                }

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((count, done));
                return done.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
    }

    private sealed class TestTarget(TimeSpan spacing) : ICdnPurgeTarget
    {
        public string Name => "test";

        public TimeSpan Spacing => spacing;

        public IEnumerable<PurgeRequest> Plan(IReadOnlyList<string> keys, IReadOnlyList<string> tags, IReadOnlyList<string> patterns) => [];

        public IEnumerable<PurgeRequest> PlanPurgeAll() => [];
    }

    private sealed class ScriptedHandler : HttpMessageHandler
    {
        private readonly Lock _lock = new();
        private readonly List<(int Count, TaskCompletionSource Done)> _waits = [];
        private int _calls;

        public Queue<HttpResponseMessage> Responses { get; } = new();

        public int Calls => Volatile.Read(ref _calls);

        public Task WaitForCalls(int count)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                if (_calls >= count)
                {
                    return Task.CompletedTask;
                }

                _waits.Add((count, done));
            }

            return done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response;
            lock (_lock)
            {
                response = Responses.Dequeue();
                _calls++;
                foreach (var wait in _waits.Where(w => w.Count <= _calls).ToList())
                {
                    wait.Done.TrySetResult();
                    _waits.Remove(wait);
                }
            }

            return Task.FromResult(response);
        }
    }
}
