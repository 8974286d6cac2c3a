using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CacheCluster.Tests.Fixtures;

/// <summary>A logger provider that keeps every line it is given (after the host's filters), and tells when a category first logs.</summary>
public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _firstLines = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Lines { get; } = new();

    /// <summary>Completes when <paramref name="category"/> has logged a line (arm it before the start).</summary>
    public Task FirstLineOf(string category) =>
        _firstLines.GetOrAdd(category, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogRecorder recorder, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            recorder.Lines.Enqueue((category, logLevel, formatter(state, exception)));
            if (recorder._firstLines.TryGetValue(category, out var first))
            {
                first.TrySetResult();
            }
        }
    }
}
