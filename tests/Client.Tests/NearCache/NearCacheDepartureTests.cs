using System.Reflection;
using CacheCluster.NearCache;
using CacheCluster.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.NearCache;

/// <summary>
/// A stopping client's goodbye is bounded: when the cluster does not answer, the client gives up after
/// <see cref="NearCacheDeparture.Timeout"/> (fake time) with a logged warning, never an exception, so the application's
/// shutdown does not hang; a client whose near cache was never used sends nothing.
/// </summary>
public sealed class NearCacheDepartureTests
{
    [Fact]
    public async Task Departure_ClusterNeverAnswers_GivesUpAfterTimeoutAndLogs()
    {
        var clock = new FakeTimeProvider();
        var calls = new List<string>();
        using var logs = new LogRecorder();
        var services = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddSingleton(Silent.Create<IGrainFactory>(calls))
            .BuildServiceProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var departure = new NearCacheDeparture(services, loggers.CreateLogger<NearCacheDeparture>());
        departure.Tracking(Silent.Create<INearCacheObserver>(calls));

        var departing = departure.DepartAsync(CancellationToken.None);
        Assert.False(departing.IsCompleted);
        Assert.Contains(nameof(INearCacheClientsGrain.ForgetStoppingClientAsync), calls);

        clock.Advance(NearCacheDeparture.Timeout);
        Assert.Equal(0, await departing.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(logs.Lines, line => line.Level == LogLevel.Warning && line.Category.EndsWith(nameof(NearCacheDeparture), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Departure_NearCacheNeverUsed_SendsNothing()
    {
        var calls = new List<string>();
        var services = new ServiceCollection().AddSingleton(Silent.Create<IGrainFactory>(calls)).BuildServiceProvider();
        var departure = new NearCacheDeparture(services);

        Assert.Equal(0, await departure.DepartAsync(CancellationToken.None));
        Assert.Empty(calls);
    }

    /// <summary>A grain factory (and grain) whose calls are recorded and never answered.</summary>
    public class Silent : DispatchProxy
    {
        private List<string> _calls = null!;

        public static T Create<T>(List<string> calls)
            where T : class
        {
            var proxy = Create<T, Silent>();
            ((Silent)(object)proxy)._calls = calls;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            lock (_calls)
            {
                _calls.Add(targetMethod.Name);
            }

            var returns = targetMethod.ReturnType;
            if (returns.IsInterface && returns.IsAssignableTo(typeof(IAddressable)))
            {
                return typeof(Silent).GetMethod(nameof(Create))!.MakeGenericMethod(returns).Invoke(null, [_calls]);
            }

            return returns == typeof(Task<int>) ? new TaskCompletionSource<int>().Task : null;
        }
    }
}
