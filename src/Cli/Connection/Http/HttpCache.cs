using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CacheCluster.Serialization;

namespace CacheCluster.Cli.Connection.Http;

/// <summary>
/// The commands the silo's HTTP API serves (see <see cref="HttpCommands"/>), as <see cref="IClusterCache"/> calls, so
/// that a command runs unchanged over either transport. Every answer becomes what the Orleans client returns or
/// throws for the same outcome; the members the API has no endpoint for are in <c>HttpCache.Unsupported.cs</c>.
/// </summary>
internal sealed partial class HttpCache(HttpApiClient api) : IClusterCache
{
    public async Task<CacheReadResult> TryGetBytesAsync(string key, CancellationToken cancellationToken = default)
    {
        using var response = await api.SendAsync(HttpMethod.Get, EntryPath(key), content: null, headers: null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            return new CacheReadResult
            {
                State = CacheEntryState.Fresh,
                Value = new CacheValue(await response.Content.ReadAsByteArrayAsync(cancellationToken), response.Content.Headers.ContentType?.ToString()),
                Version = VersionOf(response),
            };
        }

        return await IsMissingAsync(response, cancellationToken) ? CacheReadResult.Missing : throw await HttpProblem.ToExceptionAsync(response, cancellationToken);
    }

    public Task<CacheWriteResult> SetAsync<T>(string key, T value, CacheEntryOptions? options = null, CacheWriteCondition condition = default, CancellationToken cancellationToken = default) =>
        value is string text
            ? SetBytesAsync(key, new CacheValue(Encoding.UTF8.GetBytes(text), CacheSerializer.TextContentType), options, condition, cancellationToken)
            : throw new NotSupportedException("Over HTTP the CLI writes text and bytes only.");

    public async Task<CacheWriteResult> SetBytesAsync(string key, CacheValue value, CacheEntryOptions? options = null, CacheWriteCondition condition = default, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        var query = new List<string>();
        if (options?.TimeToLive is { } ttl)
        {
            query.Add("ttl=" + Seconds(ttl));
        }

        if (options?.FreshFor is { } fresh)
        {
            query.Add("fresh=" + Seconds(fresh));
        }

        using var content = new ByteArrayContent(value.Data);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(value.ContentType ?? CacheSerializer.BinaryContentType);
        using var response = await api.SendAsync(HttpMethod.Put, EntryPath(key) + (query.Count == 0 ? string.Empty : "?" + string.Join('&', query)), content, headers =>
        {
            if (options?.Tags is { Count: > 0 } tags)
            {
                headers.TryAddWithoutValidation("Cache-Tag", string.Join(',', tags));
            }

            switch (condition.Mode)
            {
                case CacheWriteMode.IfNotExists:
                    headers.IfNoneMatch.Add(EntityTagHeaderValue.Any);
                    break;
                case CacheWriteMode.IfExists:
                    headers.IfMatch.Add(EntityTagHeaderValue.Any);
                    break;
                case CacheWriteMode.IfVersion:
                    headers.IfMatch.Add(new EntityTagHeaderValue(Quoted(condition.ExpectedVersion)));
                    break;
            }
        }, cancellationToken);

        switch (response.StatusCode)
        {
            case HttpStatusCode.Created:
                return new CacheWriteResult(CacheWriteOutcome.Created, VersionOf(response));
            case HttpStatusCode.NoContent:
                return new CacheWriteResult(CacheWriteOutcome.Replaced, VersionOf(response));
            case HttpStatusCode.PreconditionFailed when condition.Mode == CacheWriteMode.IfVersion:
                // The Orleans client throws with the version found; the 412 does not carry it, so ask for it.
                throw new CacheVersionConflictException(condition.ExpectedVersion, await CurrentVersionAsync(key, cancellationToken));
            case HttpStatusCode.PreconditionFailed:
                return new CacheWriteResult(condition.Mode == CacheWriteMode.IfNotExists ? CacheWriteOutcome.KeyExists : CacheWriteOutcome.KeyMissing, 0);
            default:
                throw await HttpProblem.ToExceptionAsync(response, cancellationToken);
        }
    }

    public Task<bool> RemoveAsync(string key, CancellationToken cancellationToken = default) =>
        YesOrMissingAsync(HttpMethod.Delete, EntryPath(key), cancellationToken);

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        using var response = await api.SendAsync(HttpMethod.Head, EntryPath(key), content: null, headers: null, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,

            // A HEAD answer has no body: a 404 is the missing key (a wrong base path is found by the other commands),
            // and a 409 the one conflict a read can meet, a list read as a value: the key exists.
            HttpStatusCode.NotFound => false,
            HttpStatusCode.Conflict => true,
            _ => throw HttpProblem.ToException(response, string.Empty, detail: null),
        };
    }

    public async Task<long> IncrementAsync(string key, long by = 1, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var response = await api.SendAsync(HttpMethod.Post, $"{EntryPath(key)}/increment?by={by.ToString(CultureInfo.InvariantCulture)}", content: null, headers: null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await HttpProblem.ToExceptionAsync(response, cancellationToken);
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        return body.RootElement.GetProperty("value").GetInt64();
    }

    public Task<bool> ExpireAsync(string key, TimeSpan timeToLive, CancellationToken cancellationToken = default) =>
        YesOrMissingAsync(HttpMethod.Post, $"{EntryPath(key)}/expire?ttl={Seconds(timeToLive)}", cancellationToken);

    public Task<bool> TouchAsync(string key, CancellationToken cancellationToken = default) =>
        YesOrMissingAsync(HttpMethod.Post, $"{EntryPath(key)}/touch", cancellationToken);

    public Task<long> RemoveByTagAsync(string tag, CancellationToken cancellationToken = default) =>
        InvalidateAsync("tags", tag, allowAll: false, cancellationToken);

    public Task<long> RemoveByPatternAsync(string pattern, bool allowAll = false, CancellationToken cancellationToken = default) =>
        InvalidateAsync("patterns", pattern, allowAll, cancellationToken);

    private async Task<long> InvalidateAsync(string property, string value, bool allowAll, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray(property);
            writer.WriteStringValue(value);
            writer.WriteEndArray();
            writer.WriteBoolean("allowAll", allowAll);
            writer.WriteEndObject();
        }

        using var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await api.SendAsync(HttpMethod.Post, "v1/invalidate", content, headers: null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await HttpProblem.ToExceptionAsync(response, cancellationToken);
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        return body.RootElement.GetProperty("invalidated").GetInt64();
    }

    /// <summary>A 2xx is <see langword="true"/>, the key's 404 <see langword="false"/>; anything else throws.</summary>
    private async Task<bool> YesOrMissingAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        using var response = await api.SendAsync(method, path, content: null, headers: null, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        return await IsMissingAsync(response, cancellationToken) ? false : throw await HttpProblem.ToExceptionAsync(response, cancellationToken);
    }

    private async Task<long> CurrentVersionAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await api.SendAsync(HttpMethod.Head, EntryPath(key), content: null, headers: null, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK ? VersionOf(response) : 0;
    }

    /// <summary>
    /// Whether the answer is the key's own 404 (problem <c>key-not-found</c>), as opposed to a URL that is no
    /// CacheCluster API at all (<c>not-found</c>, or no problem body), which must not pass for a missing key.
    /// </summary>
    private static async Task<bool> IsMissingAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.StatusCode == HttpStatusCode.NotFound && (await HttpProblem.ReadAsync(response, cancellationToken)).Slug == "key-not-found";

    private static string EntryPath(string key) => "v1/cache/" + Uri.EscapeDataString(key);

    private static long VersionOf(HttpResponseMessage response) =>
        response.Headers.ETag is { Tag: { Length: > 2 } tag } && long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : 0;

    private static string Quoted(long version) => "\"" + version.ToString(CultureInfo.InvariantCulture) + "\"";

    private static string Seconds(TimeSpan duration) => duration.TotalSeconds.ToString("0.#########", CultureInfo.InvariantCulture);
}
