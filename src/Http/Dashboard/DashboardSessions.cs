using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CacheCluster.Http.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CacheCluster.Http.Dashboard;

/// <summary>
/// The dashboard's browser sessions: after a sign-in with an admin key, the browser holds a cookie with a token that
/// names the key (never the key itself) and when the session ends, signed with HMAC-SHA256 under a secret this
/// process drew at random. So a token works only on the silo that issued it and only until it expires or the silo
/// restarts; nothing is stored per session.
/// </summary>
internal sealed class DashboardSessions
{
    private const int ExpiryLength = sizeof(long);
    private const int MaxNameLength = 256;
    private static readonly IReadOnlySet<string> AdminOnly = new HashSet<string>(StringComparer.Ordinal) { ApiScopes.Admin };
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);
    private readonly TimeProvider _clock;
    private readonly TimeSpan _lifetime;

    public DashboardSessions(IOptions<CacheClusterDashboardOptions> options, [FromKeyedServices(CacheClusterClock.ServiceKey)] TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(clock);
        _lifetime = options.Value.SessionLifetime;
        _clock = clock;
    }

    /// <summary>Gets how long a session lasts.</summary>
    public TimeSpan Lifetime => _lifetime;

    /// <summary>
    /// The cookie's name: one per port, since browsers share cookies between the ports of a host and each silo
    /// signs its own tokens (two silos on one machine would otherwise sign each other out).
    /// </summary>
    public static string CookieName(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Request.Host.Port is int port
            ? "cachecluster-dashboard-" + port.ToString(CultureInfo.InvariantCulture)
            : "cachecluster-dashboard";
    }

    /// <summary>Issues a token for the API key named <paramref name="keyName"/>, valid for <see cref="Lifetime"/>.</summary>
    public string Issue(string keyName)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyName);
        var name = Encoding.UTF8.GetBytes(keyName);
        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"An API key name is at most {MaxNameLength} bytes.", nameof(keyName));
        }

        var token = new byte[ExpiryLength + name.Length + HMACSHA256.HashSizeInBytes];
        BinaryPrimitives.WriteInt64BigEndian(token, (_clock.GetUtcNow() + _lifetime).ToUnixTimeMilliseconds());
        name.CopyTo(token, ExpiryLength);
        HMACSHA256.HashData(_secret, token.AsSpan(0, ExpiryLength + name.Length), token.AsSpan(ExpiryLength + name.Length));
        return Base64Url.EncodeToString(token);
    }

    /// <summary>
    /// Returns the admin identity of a valid, unexpired token, or <see langword="null"/> for anything else (malformed,
    /// forged, signed by another process, expired).
    /// </summary>
    public ApiKeyIdentity? Validate(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2 * (ExpiryLength + MaxNameLength + HMACSHA256.HashSizeInBytes))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return null;
        }

        var signed = bytes.Length - HMACSHA256.HashSizeInBytes;
        if (signed <= ExpiryLength)
        {
            return null;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, bytes.AsSpan(0, signed), mac);
        if (!CryptographicOperations.FixedTimeEquals(mac, bytes.AsSpan(signed)))
        {
            return null;
        }

        var expires = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (_clock.GetUtcNow().ToUnixTimeMilliseconds() >= expires)
        {
            return null;
        }

        // Only admin keys are issued sessions (the sign-in checks), and keys cannot change while the silo runs.
        return new ApiKeyIdentity(Encoding.UTF8.GetString(bytes, ExpiryLength, signed - ExpiryLength), AdminOnly);
    }

    /// <summary>Returns the identity of the request's session cookie, or <see langword="null"/>.</summary>
    public ApiKeyIdentity? Authenticate(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Validate(context.Request.Cookies[CookieName(context)]);
    }
}
