using System.CommandLine;
using CacheCluster.Cli.Commands;
using CacheCluster.Hosting;

namespace CacheCluster.Cli.Connection;

/// <summary>The global options that say how to reach the cluster; they may appear before or after the command.</summary>
internal sealed class ConnectionOptions
{
    public const string DefaultGateway = "127.0.0.1:30000";

    /// <summary>The environment variable holding the password of --tls-certificate: never a command-line argument, which others can read.</summary>
    public const string TlsPasswordVariable = "CACHECLUSTER_TLS_PASSWORD";

    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    public ConnectionOptions() => ConnectTimeout.Recursive = true;

    public Option<string[]> Gateway { get; } = new("--gateway")
    {
        Description = $"A silo gateway as HOST:PORT; repeat for several [default: {DefaultGateway}]",
        HelpName = "HOST:PORT",
        Recursive = true,
    };

    public Option<string?> Redis { get; } = new("--redis")
    {
        Description = "A StackExchange.Redis connection string: find the gateways through Redis membership instead",
        HelpName = "CONNECTION",
        Recursive = true,
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "The cluster id the silos use",
        HelpName = "ID",
        DefaultValueFactory = _ => "cachecluster",
        Recursive = true,
    };

    public Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = "The service id the silos use",
        HelpName = "ID",
        DefaultValueFactory = _ => "cachecluster",
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
    public string? Check(ParseResult parse) =>
        parse.GetResult(Gateway) is not null && parse.GetResult(Redis) is not null
            ? "--gateway and --redis cannot be combined: with --redis the gateways come from Redis membership."
            : null;

    public void Apply(ParseResult parse, CacheClusterClientOptions options)
    {
        foreach (var gateway in parse.GetValue(Gateway) ?? [])
        {
            options.Gateways.Add(gateway);
        }

        options.Redis = parse.GetValue(Redis);
        options.ClusterId = parse.GetRequiredValue(ClusterId);
        options.ServiceId = parse.GetRequiredValue(ServiceId);
        options.ConnectTimeout = GetConnectTimeout(parse);
        options.Tls.CertificatePath = parse.GetValue(TlsCertificate);
        options.Tls.KeyPath = parse.GetValue(TlsKey);
        options.Tls.CaCertificatePath = parse.GetValue(TlsCa);
        options.Tls.CertificatePassword = Environment.GetEnvironmentVariable(TlsPasswordVariable) is { Length: > 0 } password ? password : null;
    }

    public TimeSpan GetConnectTimeout(ParseResult parse) => parse.GetValue(ConnectTimeout) ?? DefaultConnectTimeout;
}
