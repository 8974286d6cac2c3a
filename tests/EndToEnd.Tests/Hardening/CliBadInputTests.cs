using CacheCluster.Tests.EndToEnd;

namespace CacheCluster.Tests.Hardening;

/// <summary>
/// The bad-input matrix through the real CLI against a real silo: each hostile command exits 2 with a message on stderr
/// and nothing on stdout, and the entry it aimed at reads back as before.
/// </summary>
[Collection(EndToEndCliCollection.Name)]
public sealed class CliBadInputTests(EmbeddedSiloFixture fixture) : IClassFixture<EmbeddedSiloFixture>
{
    public static TheoryData<string[]> Cases => new()
    {
        new[] { "set", "", "x" },
        new[] { "set", " ", "x" },
        new[] { "get", "\u2003" },
        new[] { "set", "{key}", "x", "--ttl", "NaN" },
        new[] { "set", "{key}", "x", "--ttl", "-5" },
        new[] { "set", "{key}", "x", "--ttl", "1e20" },
        new[] { "set", "{key}", "x", "--ttl", "1", "--fresh", "5" },
        new[] { "set", "{key}", "x", "--tags", "a,," + new string('t', 300) },
        new[] { "incr", "{key}" },
        new[] { "expire", "{key}", "NaN" },
        new[] { "expire", "{key}", "-1" },
        new[] { "expire", "{key}", "1e20" },
        new[] { "expire", "{key}", "315360001" },
        new[] { "expire", "{key}" },
        new[] { "expire", "", "10" },
        new[] { "persist", "" },
        new[] { "touch", "{key}", "extra" },
        new[] { "incr", "{key}", "notanumber" },
        new[] { "publish", "user.updated", "{\"user_id\": " },
        new[] { "publish", "user.updated", "{\"id\": 1}" },
        new[] { "invalidate", "--pattern", "[a" },
        new[] { "invalidate", "--pattern", "*" },
        new[] { "invalidate", "--pattern", "?*" },
        new[] { "invalidate", "--tag", "team a" },
        new[] { "publish", "user.updated", "{\"user_id\": \"\"}" },
        new[] { "set", "{key}", "x", "--tags", "team a" },
        new[] { "ratelimit", "no-such-policy", "{key}" },
        new[] { "ratelimit", "no-such-policy", "{key}", "--permits", "99999999999" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileCommand_ExitsTwo_AndChangesNothing(string[] command)
    {
        var key = $"matrix:{Guid.NewGuid():N}";
        Assert.Equal(0, (await CliAsync("set", key, "sentinel")).ExitCode);
        var before = await CliAsync("info", key);

        var result = await CliAsync([.. command.Select(part => part.Replace("{key}", key, StringComparison.Ordinal))]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.StartsWith("cachecluster: ", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("sentinel", (await CliAsync("get", key)).Stdout.TrimEnd());
        Assert.Equal(before.Stdout, (await CliAsync("info", key)).Stdout);
    }

    private Task<ProcessResult> CliAsync(params string[] command) => CliRunner.RunAsync([.. fixture.Silo.CliConnection, .. command]);
}
