using System.Text;
using CacheCluster.Tests.Fixtures;

namespace CacheCluster.Tests.Entries;

/// <summary>
/// The key validator agrees with what is below it: every key <see cref="CacheKey.Validate"/> accepts gives a grain
/// reference (Orleans' <c>GetGrain</c> throws on some strings) whose key reads back unchanged, and every key it refuses
/// is refused with <see cref="InvalidCacheKeyException"/>.
/// </summary>
[Collection(MemoryClusterCollection.Name)]
public sealed class KeyValidationFuzzTests(MemoryClusterFixture fixture)
{
    private readonly CacheTestCluster _cluster = fixture.Cluster;

    [Fact]
    public void EveryAcceptedKey_MakesAGrainReference_ThatKeepsTheKey()
    {
        var accepted = 0;
        var disagreements = new List<string>();
        foreach (var key in Candidates())
        {
            if (!Accepts(key))
            {
                continue;
            }

            accepted++;
            try
            {
                var grain = _cluster.Grain(key);
                if (grain.GetPrimaryKeyString() != key)
                {
                    disagreements.Add($"{CacheKey.Describe(key)}: the grain's key reads back as {CacheKey.Describe(grain.GetPrimaryKeyString())}");
                }
            }
            catch (Exception ex)
            {
                disagreements.Add($"{CacheKey.Describe(key)} ({Codes(key)}): accepted by the validator, but GetGrain threw {ex.GetType().Name}: {ex.Message}");
            }
        }

        Assert.True(accepted > 200_000, $"only {accepted} candidates were accepted: the fuzz lost its reach");
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} keys:\n{string.Join('\n', disagreements.Take(20))}");
    }

    public static TheoryData<string> WhitespaceKeys => new() { " ", "   ", "\u2003", "\u00a0", "\u3000", " \u2003 ", "\u2028", "\u0020\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2029\u202f\u205f\u3000" };

    [Theory]
    [MemberData(nameof(WhitespaceKeys))]
    public async Task WhitespaceOnlyKey_IsAnInvalidKey_OnEveryOperation(string key)
    {
        Assert.Throws<InvalidCacheKeyException>(() => CacheKey.Validate(key));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => _cluster.Cache.SetAsync(key, "v"));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => _cluster.Cache.TryGetAsync<string>(key));
        await Assert.ThrowsAsync<InvalidCacheKeyException>(() => _cluster.Cache.GetOrSetAsync(key, _ => Task.FromResult<string?>("v")));
    }

    [Theory]
    [InlineData(" a")]
    [InlineData("a ")]
    [InlineData("user 42")]
    [InlineData("\u2003x\u2003")]
    [InlineData("\u200b\u2003")]
    public async Task KeyWithWhitespaceAndMore_IsAnOrdinaryKey(string key)
    {
        var unique = key + Guid.NewGuid().ToString("N");

        await _cluster.Cache.SetAsync(unique, "v");

        Assert.Equal("v", (await _cluster.Cache.TryGetAsync<string>(unique)).Value);
    }

    /// <summary>Every BMP character alone, doubled and beside a letter, plus astral characters and boundary lengths.</summary>
    private static IEnumerable<string> Candidates()
    {
        for (var c = 0; c <= 0xFFFF; c++)
        {
            var ch = (char)c;
            yield return ch.ToString();
            yield return new string(ch, 2);
            yield return "k" + ch;
            yield return ch + "k";
        }

        foreach (var rune in new[] { 0x1F600, 0x10000, 0x10FFFF, 0xE0001, 0x1D11E })
        {
            var text = char.ConvertFromUtf32(rune);
            yield return text;
            yield return "k" + text;
        }

        yield return new string('k', CacheKey.DefaultMaxKeyBytes);
        yield return new string('é', CacheKey.DefaultMaxKeyBytes / 2);
        yield return new string(' ', 10) + "k" + new string(' ', 10);
    }

    private static bool Accepts(string key)
    {
        try
        {
            CacheKey.Validate(key);
            return true;
        }
        catch (InvalidCacheKeyException)
        {
            return false;
        }
    }

    private static string Codes(string key)
    {
        var builder = new StringBuilder();
        foreach (var c in key)
        {
            builder.Append($"U+{(int)c:X4} ");
        }

        return builder.ToString().TrimEnd();
    }
}
