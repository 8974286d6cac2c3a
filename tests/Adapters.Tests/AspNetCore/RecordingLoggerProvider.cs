using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Tests.AspNetCore;

/// <summary>Keeps every log entry that carries an exception, with its category, so tests can see what a middleware swallowed.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, EventId EventId, Exception Exception)> Errors { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null)
            {
                provider.Errors.Enqueue((category, eventId, exception));
            }
        }
    }
}
