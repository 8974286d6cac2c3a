using System.CommandLine;
using CacheCluster.Cli.Commands;
using CacheCluster.Hosting;

namespace CacheCluster.Cli.Connection;

/// <summary>
/// The global options that say how to reach the cluster; they may appear before or after the command. Each has an
/// environment variable (<see cref="ConnectionEnvironment"/>) that applies when the option is not given.
/// </summary>
internal sealed class ConnectionOptions
{
    public const string DefaultGateway = "127.0.0.1:30000";

    /// <summary>The embedded silo's HTTP API: the transport when no gateway or Redis is named.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>The environment variable holding the password of --tls-certificate: never a command-line argument, which others can read.</summary>
    public const string TlsPasswordVariable = "CACHECLUSTER_TLS_PASSWORD";

    public const string DefaultId = "cachecluster";

    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    public ConnectionOptions() => ConnectTimeout.Recursive = true;

    public Option<string?> Url { get; } = new("--url")
    {
        Description = $"A silo's HTTP API, used by the commands it serves (the default transport when no gateway or Redis is named) [env: {ConnectionEnvironment.Url}; default: {DefaultUrl}]",
        HelpName = "URL",
        Recursive = true,
    };

    public Option<string?> ApiKey { get; } = new("--api-key")
    {
        Description = $"The HTTP API key, sent as 'Authorization: Bearer KEY' [env: {ConnectionEnvironment.ApiKey}; prefer the variable: others can read arguments]",
        HelpName = "KEY",
        Recursive = true,
    };

    public Option<string[]> Gateway { get; } = new("--gateway")
    {
        Description = $"A silo gateway as HOST:PORT; repeat for several [env: {ConnectionEnvironment.Gateway}, comma-separated; default: {DefaultGateway}]",
        HelpName = "HOST:PORT",
        Recursive = true,
    };

    public Option<string?> Redis { get; } = new("--redis")
    {
        Description = $"A StackExchange.Redis connection string: find the gateways through Redis membership instead [env: {ConnectionEnvironment.Redis}]",
        HelpName = "CONNECTION",
        Recursive = true,
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = $"The cluster id the silos use [env: {ConnectionEnvironment.ClusterId}]",
        HelpName = "ID",
        DefaultValueFactory = _ => ConnectionEnvironment.Read(ConnectionEnvironment.ClusterId) ?? DefaultId,
        Recursive = true,
    };

    public Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = $"The service id the silos use [env: {ConnectionEnvironment.ServiceId}]",
        HelpName = "ID",
        DefaultValueFactory = _ => ConnectionEnvironment.Read(ConnectionEnvironment.ServiceId) ?? DefaultId,
        Recursive = true,
    };

    public Option<TimeSpan?> ConnectTimeout { get; } = Seconds.Option(
        "--connect-timeout", "How long to keep trying to connect before giving up with exit 3 [default: 10]");

    public Option<string?> TlsCertificate { get; } = new("--tls-certificate")
    {
        Description = $"Connect with TLS, presenting this client certificate (PFX or PEM); its password, if any, comes from ${TlsPasswordVariable}",
        HelpName = "PATH",
        Recursive = true,
    };

    public Option<string?> TlsKey { get; } = new("--tls-key")
    {
        Description = "The PEM private key of --tls-certificate, when it is not in the same file",
        HelpName = "PATH",
        Recursive = true,
    };

    public Option<string?> TlsCa { get; } = new("--tls-ca")
    {
        Description = "Connect with TLS, accepting gateway certificates issued by these CA certificates (PEM or DER)",
        HelpName = "PATH",
        Recursive = true,
    };

    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Write the client's logs (Information and above) to stderr",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Url);
        root.Options.Add(ApiKey);
        root.Options.Add(Gateway);
        root.Options.Add(Redis);
        root.Options.Add(ClusterId);
        root.Options.Add(ServiceId);
        root.Options.Add(ConnectTimeout);
        root.Options.Add(TlsCertificate);
        root.Options.Add(TlsKey);
        root.Options.Add(TlsCa);
        root.Options.Add(Verbose);
    }

    /// <summary>Returns what is wrong with the combination of options, or <see langword="null"/>.</summary>
    /// <remarks>Checked here, not by a validator on the root command: System.CommandLine runs only the invoked command's validators.</remarks>
    public string? Check(ParseResult parse)
    {
        if (parse.GetResult(Gateway) is not null && parse.GetResult(Redis) is not null)
        {
            return "--gateway and --redis cannot be combined: with --redis the gateways come from Redis membership.";
        }

        var fromEnvironment = parse.GetResult(Gateway) is null && parse.GetResult(Redis) is null;
        if (fromEnvironment && ConnectionEnvironment.Read(ConnectionEnvironment.Gateway) is not null && ConnectionEnvironment.Read(ConnectionEnvironment.Redis) is not null)
        {
            return $"{ConnectionEnvironment.Gateway} and {ConnectionEnvironment.Redis} are both set: unset one, or choose with --gateway or --redis.";
        }

        if (fromEnvironment && ConnectionEnvironment.Read(ConnectionEnvironment.Gateway) is { } gateways && ConnectionEnvironment.Split(gateways).Length == 0)
        {
            return $"{ConnectionEnvironment.Gateway} names no gateway (was '{gateways}'); give HOST:PORT, comma-separated for several.";
        }

        if (GetUrlText(parse) is { } url && !TryParseUrl(url, out _))
        {
            return $"{(parse.GetResult(Url) is null ? ConnectionEnvironment.Url : "--url")} must be an absolute http:// or https:// URL, such as {DefaultUrl} (was '{url}').";
        }

        return null;
    }

    /// <summary>
    /// The silo HTTP API that the commands it serves use, or <see langword="null"/> for the Orleans gateway: --url if
    /// given; else nothing when --gateway, --redis or a TLS option is given; else $CACHECLUSTER_URL; else nothing when
    /// $CACHECLUSTER_GATEWAY or $CACHECLUSTER_REDIS is set; else the embedded silo's <see cref="DefaultUrl"/>.
    /// </summary>
    public Uri? GetUrl(ParseResult parse) => GetUrlText(parse) is { } text && TryParseUrl(text, out var url) ? url : null;

    /// <summary>What the interactive prompt names: the HTTP API's HOST:PORT, else the gateway, else Redis membership.</summary>
    public string DescribeTarget(ParseResult parse) =>
        GetUrl(parse) is { } url ? url.Authority
            : GetGateways(parse) is [var first, ..] ? first
            : GetRedis(parse) is not null ? $"redis:{parse.GetValue(ClusterId)}"
            : DefaultGateway;

    /// <summary>The API key: --api-key if given, else $CACHECLUSTER_API_KEY.</summary>
    public string? GetApiKey(ParseResult parse) =>
        parse.GetValue(ApiKey) is { Length: > 0 } key ? key : ConnectionEnvironment.Read(ConnectionEnvironment.ApiKey);

    private string? GetUrlText(ParseResult parse)
    {
        if (parse.GetResult(Url) is not null)
        {
            return parse.GetValue(Url) ?? string.Empty;
        }

        if (new Option[] { Gateway, Redis, TlsCertificate, TlsKey, TlsCa }.Any(option => parse.GetResult(option) is not null))
        {
            return null;
        }

        if (ConnectionEnvironment.Read(ConnectionEnvironment.Url) is { } variable)
        {
            return variable;
        }

        return ConnectionEnvironment.Read(ConnectionEnvironment.Gateway) is null && ConnectionEnvironment.Read(ConnectionEnvironment.Redis) is null
            ? DefaultUrl
            : null;
    }

    private static bool TryParseUrl(string text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Uri? url) =>
        Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out url)
        && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
        && string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.Fragment);

    /// <summary>The gateways to use: --gateway if given, else $CACHECLUSTER_GATEWAY unless --redis is given; empty for the default.</summary>
    public IReadOnlyList<string> GetGateways(ParseResult parse) =>
        parse.GetValue(Gateway) is { Length: > 0 } gateways ? gateways
            : parse.GetResult(Redis) is null && ConnectionEnvironment.Read(ConnectionEnvironment.Gateway) is { } variable ? ConnectionEnvironment.Split(variable)
            : [];

    /// <summary>The Redis membership connection string: --redis if given, else $CACHECLUSTER_REDIS unless --gateway is given.</summary>
    public string? GetRedis(ParseResult parse) =>
        parse.GetResult(Redis) is not null ? parse.GetValue(Redis)
            : parse.GetResult(Gateway) is null ? ConnectionEnvironment.Read(ConnectionEnvironment.Redis)
            : null;

    public void Apply(ParseResult parse, CacheClusterClientOptions options)
    {
        foreach (var gateway in GetGateways(parse))
        {
            options.Gateways.Add(gateway);
        }

        options.Redis = GetRedis(parse);
        options.ClusterId = parse.GetRequiredValue(ClusterId);
        options.ServiceId = parse.GetRequiredValue(ServiceId);
        options.ConnectTimeout = GetConnectTimeout(parse);

        // A command needs the cluster: wait for it (up to the connect timeout) rather than start unconnected. It is one
        // call the user waits for: Orleans' response timeout applies, not an application's soft ClusterTimeout, and a
        // read that cannot be made is an error (exit 3), not a miss.
        options.WaitForCluster = true;
        options.ClusterTimeout = options.ResponseTimeout;
        options.Resilience.ReadFailureMode = CacheCluster.Resilience.CacheReadFailureMode.Throw;
        options.Tls.CertificatePath = parse.GetValue(TlsCertificate);
        options.Tls.KeyPath = parse.GetValue(TlsKey);
        options.Tls.CaCertificatePath = parse.GetValue(TlsCa);
        options.Tls.CertificatePassword = Environment.GetEnvironmentVariable(TlsPasswordVariable) is { Length: > 0 } password ? password : null;
    }

    public TimeSpan GetConnectTimeout(ParseResult parse) => parse.GetValue(ConnectTimeout) ?? DefaultConnectTimeout;
}
