using System.Net;
using System.Text.Json;

namespace CacheCluster.Cli.Connection.Http;

/// <summary><c>POST /v1/ratelimit/{policy}/{identifier}?permits=N</c> as <see cref="IClusterRateLimiter"/>.</summary>
internal sealed class HttpRateLimiter(HttpApiClient api) : IClusterRateLimiter
{
    public async Task<RateLimitDecision> AcquireAsync(string policy, string identifier, int permits = 1, CancellationToken cancellationToken = default)
    {
        var decision = await AskAsync(policy, identifier, permits, cancellationToken);
        if (decision.Allowed || permits == 0)
        {
            return decision;
        }

        // A refusal (429) carries no reset time and no shadow flag: a peek (0 permits, counted nowhere) has them.
        var peek = await AskAsync(policy, identifier, 0, cancellationToken);
        return decision with { ResetAfter = peek.ResetAfter, ShadowLimited = peek.ShadowLimited, WindowSeconds = peek.WindowSeconds };
    }

    private async Task<RateLimitDecision> AskAsync(string policy, string identifier, int permits, CancellationToken cancellationToken)
    {
        var path = $"v1/ratelimit/{Uri.EscapeDataString(policy)}/{Uri.EscapeDataString(identifier)}?permits={permits.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        using var response = await api.SendAsync(HttpMethod.Post, path, content: null, headers: null, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.TooManyRequests))
        {
            throw await HttpProblem.ToExceptionAsync(response, cancellationToken);
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        var root = body.RootElement;
        var allowed = response.StatusCode == HttpStatusCode.OK;
        var degraded = Boolean(root, "degraded");
        return new RateLimitDecision
        {
            Allowed = allowed,
            Limit = root.GetProperty("limit").GetInt64(),
            Remaining = root.GetProperty("remaining").GetInt64(),
            RetryAfter = TimeSpan.FromSeconds(Number(root, allowed ? "retryAfterSeconds" : "retryAfter")),
            ResetAfter = TimeSpan.FromSeconds(Number(root, "resetAfterSeconds")),
            ShadowLimited = Boolean(root, "shadowLimited"),
            Degraded = degraded,

            // A degraded answer is the policy's failure mode deciding: allowed means it fails open.
            FailureMode = degraded && allowed ? RateLimitFailureMode.Open : RateLimitFailureMode.Closed,
        };
    }

    private static double Number(JsonElement root, string name) => root.TryGetProperty(name, out var value) ? value.GetDouble() : 0;

    private static bool Boolean(JsonElement root, string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
