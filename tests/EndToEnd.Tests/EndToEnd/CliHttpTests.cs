using System.Text;
using System.Text.RegularExpressions;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.EndToEnd;

/// <summary>
/// The CLI over a silo's HTTP API (--url, CACHECLUSTER_URL): the same answers, messages and exit codes as over the
/// Orleans gateway, and a closed URL reported as unreachable (exit 3).
/// </summary>
[Collection(EndToEndCliCollection.Name)]
public sealed partial class CliHttpTests(EmbeddedSiloFixture fixture) : IClassFixture<EmbeddedSiloFixture>
{
    private static readonly Dictionary<string, string> NoEnvironment = [];

    private readonly SiloProcess _silo = fixture.Silo;

    /// <summary>Each step runs on a key of its own per transport, in this order, so both keys go through the same states.</summary>
    public static TheoryData<string[][]> Sequences => new()
    {
        new[]
        {
            new[] { "get", "{key}" },
            ["exists", "{key}"],
            ["del", "{key}"],
            ["expire", "{key}", "10"],
            ["touch", "{key}"],
            ["set", "{key}", "v", "--xx"],
            ["set", "{key}", "v", "--version-match", "7"],
            ["set", "{key}", "héllo wörld", "--ttl", "3600", "--fresh", "60", "--tags", "{key}-t1,{key}-t2"],
            ["set", "{key}", "other", "--nx"],
            ["set", "{key}", "other", "--version-match", "7"],
            ["get", "{key}"],
            ["exists", "{key}"],
            ["incr", "{key}"],
            ["expire", "{key}", "1800.5"],
            ["touch", "{key}"],
            ["invalidate", "--tag", "{key}-t1"],
            ["exists", "{key}"],
            ["incr", "{key}", "-5"],
            ["incr", "{key}", "7"],
            ["get", "{key}"],
            ["invalidate", "--key", "{key}", "--pattern", "{key}*"],
            ["del", "{key}"],
            ["ratelimit", "no-such-policy", "{key}"],
        },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public async Task HttpTransport_EveryServedCommand_AnswersAsTheGatewayDoes(string[][] steps)
    {
        var (overHttp, overGateway) = (NewKey(), NewKey());
        foreach (var step in steps)
        {
            var http = await CliRunner.RunAsync(["--url", _silo.HttpAddress.ToString(), .. Fill(step, overHttp)]);
            var gateway = await CliRunner.RunAsync([.. _silo.CliConnection, .. Fill(step, overGateway)]);

            Assert.Equal(Normalize(gateway, overGateway), Normalize(http, overHttp));
        }
    }

    [Fact]
    public async Task HttpTransport_ValueFromStdin_RoundTripsEveryByte()
    {
        var key = NewKey();
        byte[] value = [.. Enumerable.Range(0, 256).Select(b => (byte)b), 0x0A, 0x00];
        var environment = new Dictionary<string, string> { ["CACHECLUSTER_URL"] = _silo.HttpAddress.ToString() };

        var set = await CliRunner.RunAsync(["set", key, "-"], environment, value);
        var get = await CliRunner.RunAsync(["get", key], environment);

        Assert.True(set.ExitCode == 0 && SetVersion().IsMatch(set.Stdout), set.ToString());
        Assert.Equal((0, string.Empty), (get.ExitCode, get.Stderr));
        Assert.Equal(value, get.StdoutBytes);

        // The same bytes through the gateway: both transports store one value.
        Assert.Equal(value, (await CliRunner.RunAsync([.. _silo.CliConnection, "get", key], NoEnvironment)).StdoutBytes);
    }

    [Fact]
    public async Task HttpTransport_ValueOverTheClustersLimit_ExitsTwoWithTheSilosMessage_AndWritesNothing()
    {
        var key = NewKey();
        var environment = new Dictionary<string, string> { ["CACHECLUSTER_URL"] = _silo.HttpAddress.ToString() };
        Assert.Equal(0, (await CliRunner.RunAsync(["set", key, "sentinel"], environment)).ExitCode);

        var set = await CliRunner.RunAsync(["set", key, "-"], environment, new byte[(1024 * 1024) + 1]);

        Assert.Equal((2, string.Empty), (set.ExitCode, set.Stdout));
        Assert.StartsWith("cachecluster: ", set.Stderr, StringComparison.Ordinal);
        Assert.Contains("1048576", set.Stderr, StringComparison.Ordinal);
        Assert.Equal((0, "sentinel"), Reply(await CliRunner.RunAsync(["get", key], environment)));
    }

    [Fact]
    public async Task HttpTransport_RateLimit_AllowsThenLimits_PrintingTheGatewaysLines()
    {
        // A window of an hour, so that no window ends between the calls; a fresh identifier per transport.
        await using var silo = await SiloProcess.StartAsync(
            identity: null,
            "--CacheCluster:RateLimits:hourly:Algorithm=FixedWindow", "--CacheCluster:RateLimits:hourly:Limit=2", "--CacheCluster:RateLimits:hourly:Window=01:00:00");
        var (overHttp, overGateway) = (NewKey(), NewKey());
        string[] http = ["--url", silo.HttpAddress.ToString()];

        var allowedHttp = await CliRunner.RunAsync([.. http, "ratelimit", "hourly", overHttp, "--permits", "2"]);
        var allowedGateway = await CliRunner.RunAsync([.. silo.CliConnection, "ratelimit", "hourly", overGateway, "--permits", "2"]);
        var limitedHttp = await CliRunner.RunAsync([.. http, "ratelimit", "hourly", overHttp]);
        var limitedGateway = await CliRunner.RunAsync([.. silo.CliConnection, "ratelimit", "hourly", overGateway]);

        Assert.Equal((0, "allowed\nlimit: 2\nremaining: 0\nretry-after: 0\nreset-after: S\n", string.Empty), Seconds(allowedHttp));
        Assert.Equal(Seconds(allowedGateway), Seconds(allowedHttp));
        Assert.Equal((1, "limited\nlimit: 2\nremaining: 0\nretry-after: S\nreset-after: S\n", string.Empty), Seconds(limitedHttp));
        Assert.Equal(Seconds(limitedGateway), Seconds(limitedHttp));
    }

    [Fact]
    public async Task HttpTransport_ClosedUrl_ExitsThreeNamingTheRefusal()
    {
        var url = $"http://127.0.0.1:{RedisServer.FreePort()}";

        var result = await CliRunner.RunAsync(["--url", url, "get", "k"]);

        Assert.Equal((3, string.Empty), (result.ExitCode, result.Stdout));
        Assert.StartsWith($"cachecluster: could not connect to the silo's HTTP API at {url}: connection refused (is a silo running there?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpTransport_UrlThatIsNoCacheClusterApi_IsUnreachable_NotAMissingKey()
    {
        var url = new Uri(_silo.HttpAddress, "no/such/prefix/");

        var result = await CliRunner.RunAsync(["--url", url.ToString(), "get", NewKey()]);

        Assert.Equal((3, string.Empty), (result.ExitCode, result.Stdout));
        Assert.Contains("answered 404", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:5080", "--url")]
    [InlineData("127.0.0.1:5080", "--url")]
    public async Task HttpTransport_BadUrl_ExitsTwoBeforeConnecting(string url, string name)
    {
        var result = await CliRunner.RunAsync(["--url", url, "get", "k"]);

        Assert.Equal((2, string.Empty, $"cachecluster: {name} must be an absolute http:// or https:// URL, such as http://127.0.0.1:5080 (was '{url}').{Environment.NewLine}"), (result.ExitCode, result.Stdout, result.Stderr));
    }

    [Fact]
    public async Task Environment_UrlServesItsCommands_AndTheGatewayTheOthers()
    {
        var key = NewKey();
        var environment = new Dictionary<string, string>
        {
            ["CACHECLUSTER_URL"] = _silo.HttpAddress.ToString(),
            ["CACHECLUSTER_GATEWAY"] = _silo.Gateway,
        };

        var set = await CliRunner.RunAsync([.. CliRunner.PatientConnect, "set", key, "v", "--ttl", "3600"], environment);
        var ttl = await CliRunner.RunAsync([.. CliRunner.PatientConnect, "ttl", key], environment);

        Assert.True(set.ExitCode == 0, set.ToString());
        // ttl has no HTTP endpoint: it answered through the gateway, with the seconds left of the hour the set gave.
        Assert.True(ttl.ExitCode == 0 && int.TryParse(ttl.Stdout, System.Globalization.CultureInfo.InvariantCulture, out var left) && left is > 0 and <= 3600, ttl.ToString());

        // A closed URL in the environment is what get uses: it fails there, while ttl still goes to the gateway.
        environment["CACHECLUSTER_URL"] = $"http://127.0.0.1:{RedisServer.FreePort()}";
        Assert.Equal(3, (await CliRunner.RunAsync(["get", key], environment)).ExitCode);
        Assert.Equal(0, (await CliRunner.RunAsync([.. CliRunner.PatientConnect, "ttl", key], environment)).ExitCode);

        // --gateway on the command line wins over the URL variable.
        Assert.Equal((0, "v"), Reply(await CliRunner.RunAsync([.. _silo.CliConnection, "get", key], environment)));
    }

    [Fact]
    public async Task ApiKey_MissingIsRefusedWithExitTwo_FromTheEnvironmentOrFlagIsSent()
    {
        await using var silo = await SiloProcess.StartAsync(identity: null, "--CacheCluster:Http:ApiKeys:ci:Key=cli-secret-value", "--CacheCluster:Http:ApiKeys:ci:Scopes=read,write");
        var key = NewKey();
        var url = silo.HttpAddress.ToString();

        var refused = await CliRunner.RunAsync(["--url", url, "set", key, "v"]);
        var set = await CliRunner.RunAsync(["--url", url, "set", key, "v"], new Dictionary<string, string> { ["CACHECLUSTER_API_KEY"] = "cli-secret-value" });
        var get = await CliRunner.RunAsync(["--url", url, "--api-key", "cli-secret-value", "get", key]);

        Assert.Equal((2, string.Empty), (refused.ExitCode, refused.Stdout));
        Assert.StartsWith($"cachecluster: the HTTP API at {silo.HttpAddress.GetLeftPart(UriPartial.Authority)} refused the request (401 unauthorized)", refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("cli-secret-value", refused.Stderr, StringComparison.Ordinal);
        Assert.True(set.ExitCode == 0 && SetVersion().IsMatch(set.Stdout), set.ToString());
        Assert.Equal((0, "v"), Reply(get));
    }

    private static string[] Fill(string[] step, string key) => [.. step.Select(part => part.Replace("{key}", key, StringComparison.Ordinal))];

    /// <summary>The answer with the key and the version numbers (which differ per write) replaced by placeholders.</summary>
    private static (int, string, string) Normalize(ProcessResult result, string key) =>
        (result.ExitCode, Scrub(result.Stdout, key), Scrub(result.Stderr, key));

    private static string Scrub(string text, string key) => Version().Replace(text.Replace(key, "{key}", StringComparison.Ordinal), "${name}N");

    /// <summary>The answer with every non-zero number of seconds replaced by S (they depend on when each call ran).</summary>
    private static (int, string, string) Seconds(ProcessResult result) =>
        (result.ExitCode, SecondsValue().Replace(result.Stdout, "${name}: S"), result.Stderr);

    private static (int, string) Reply(ProcessResult result) => (result.ExitCode, result.Stdout);

    private static string NewKey() => $"e2e:http:{Guid.NewGuid():N}";

    [GeneratedRegex(@"(?<name>version[= ])[0-9]{10,}")]
    private static partial Regex Version();

    [GeneratedRegex(@"(?<name>retry-after|reset-after): (?!0\n)[0-9]+(\.[0-9]+)?")]
    private static partial Regex SecondsValue();

    [GeneratedRegex(@"\AOK version=[0-9]+\n\z")]
    private static partial Regex SetVersion();
}
