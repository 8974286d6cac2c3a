using System.Buffers.Text;
using CacheCluster.Http.Auth;
using CacheCluster.Http.Dashboard;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CacheCluster.Tests.Dashboard;

/// <summary>The dashboard's session tokens: signed, admin only, expiring on the cache clock, useless elsewhere.</summary>
public sealed class DashboardSessionsTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void DashboardSessions_IssuedToken_IsAdminForTheKeyNameUntilTheLifetimeEnds()
    {
        var sessions = Create(TimeSpan.FromMinutes(15));
        var token = sessions.Issue("ops");

        _clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromMilliseconds(1));
        var identity = sessions.Validate(token);
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var expired = sessions.Validate(token);

        Assert.NotNull(identity);
        Assert.Equal("ops", identity.Name);
        Assert.True(identity.Allows(ApiScopes.Admin));
        Assert.True(identity.Allows(ApiScopes.Write));
        Assert.Null(expired);
    }

    [Fact]
    public void DashboardSessions_ForgedMalformedOrForeignToken_IsRefused()
    {
        var sessions = Create(TimeSpan.FromMinutes(15));
        var token = Base64Url.DecodeFromChars(sessions.Issue("ops"));

        var longer = (byte[])token.Clone();
        longer[0]++; // a later expiry, without the secret to sign it
        var renamed = (byte[])token.Clone();
        renamed[8] = (byte)'x'; // another key name

        Assert.Null(sessions.Validate(Base64Url.EncodeToString(longer)));
        Assert.Null(sessions.Validate(Base64Url.EncodeToString(renamed)));
        Assert.Null(sessions.Validate(Base64Url.EncodeToString(token.AsSpan(..^1))));
        Assert.Null(sessions.Validate(Create(TimeSpan.FromMinutes(15)).Issue("ops")));
        Assert.Null(sessions.Validate("not a token!"));
        Assert.Null(sessions.Validate(string.Empty));
        Assert.Null(sessions.Validate(null));
        Assert.Null(sessions.Validate(new string('A', 10_000)));
        Assert.NotNull(sessions.Validate(Base64Url.EncodeToString(token)));
    }

    [Fact]
    public void DashboardOptionsValidator_SessionLifetimeOutOfRange_NamesTheKey()
    {
        var validator = new CacheClusterDashboardOptionsValidator();

        var tooShort = validator.Validate(null, new CacheClusterDashboardOptions { SessionLifetime = TimeSpan.FromSeconds(59) });
        var tooLong = validator.Validate(null, new CacheClusterDashboardOptions { SessionLifetime = TimeSpan.FromHours(12) + TimeSpan.FromSeconds(1) });
        var fine = validator.Validate(null, new CacheClusterDashboardOptions());

        Assert.True(tooShort.Failed);
        Assert.Contains("CacheCluster:Dashboard:SessionLifetime", tooShort.FailureMessage, StringComparison.Ordinal);
        Assert.True(tooLong.Failed);
        Assert.True(fine.Succeeded);
    }

    private DashboardSessions Create(TimeSpan lifetime) =>
        new(Options.Create(new CacheClusterDashboardOptions { SessionLifetime = lifetime }), _clock);
}
