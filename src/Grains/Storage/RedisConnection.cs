using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace CacheCluster.Storage;

/// <summary>
/// The silo's one Redis connection, shared by the entry store and Orleans' Redis clustering.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly ConfigurationOptions _configuration;
    private readonly Lazy<Task<ConnectionMultiplexer>> _multiplexer;

    public RedisConnection(string connectionString)
    {
        _configuration = ConfigurationOptions.Parse(connectionString);

        // A Redis that is down at start-up must not abort the silo: StackExchange.Redis keeps reconnecting.
        _configuration.AbortOnConnectFail = false;
        _multiplexer = new(() => ConnectionMultiplexer.ConnectAsync(_configuration), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ConfigurationOptions Configuration => _configuration;

    public async Task<IConnectionMultiplexer> GetMultiplexerAsync() => await _multiplexer.Value.ConfigureAwait(false);

    public async Task<IDatabase> GetDatabaseAsync() => (await GetMultiplexerAsync().ConfigureAwait(false)).GetDatabase();

    public async ValueTask DisposeAsync()
    {
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
}

/// <summary>Keeps Redis passwords out of messages and logs.</summary>
internal static partial class RedisConnectionString
{
    public static string Redact(string text) => PasswordPattern().Replace(text, "$1=*****");

    [GeneratedRegex("(password|user)=[^,]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordPattern();
}
