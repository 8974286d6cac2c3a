using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace CacheCluster.Cli.Connection.Http;

/// <summary>
/// <c>mget</c>, <c>mset</c> and a multi-key <c>del</c> over <c>POST /v1/cache/_batch</c>: one request, one answer
/// per operation. An operation's own failure becomes the exception the Orleans client throws for it.
/// </summary>
internal sealed partial class HttpCache
{
    private const string BatchPath = "v1/cache/_batch";

    public async Task<IReadOnlyList<CacheReadResult>> GetManyBytesAsync(IReadOnlyList<string> keys, CacheReadOptions? readOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var answers = await BatchAsync(keys.Count, (writer, i) => Operation(writer, "get", keys[i]), cancellationToken);
        var results = new CacheReadResult[keys.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            var answer = answers[i];
            var status = answer.GetProperty("status").GetInt32();
            if (status == (int)HttpStatusCode.OK)
            {
                var text = answer.TryGetProperty("value", out var value);
                results[i] = new CacheReadResult
                {
                    State = CacheEntryState.Fresh,
                    Value = text
                        ? new CacheValue(System.Text.Encoding.UTF8.GetBytes(value.GetString()!), "text/plain; charset=utf-8")
                        : new CacheValue(answer.GetProperty("valueBase64").GetBytesFromBase64(), "application/octet-stream"),
                    Version = EtagVersion(answer),
                };
            }
            else
            {
                results[i] = Slug(answer) == "key-not-found" ? CacheReadResult.Missing : throw ItemException(answer);
            }
        }

        return results;
    }

    public async Task<IReadOnlyList<CacheWriteResult>> SetManyBytesAsync(IReadOnlyList<KeyValuePair<string, CacheValue>> items, CacheEntryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var answers = await BatchAsync(items.Count, (writer, i) =>
        {
            writer.WriteStartObject();
            writer.WriteString("op", "set");
            writer.WriteString("key", items[i].Key);
            if (items[i].Value.ContentType == CacheCluster.Serialization.CacheSerializer.TextContentType)
            {
                writer.WriteString("value", System.Text.Encoding.UTF8.GetString(items[i].Value.Data));
            }
            else
            {
                writer.WriteBase64String("valueBase64", items[i].Value.Data);
            }

            if (options?.TimeToLive is { } ttl)
            {
                writer.WriteNumber("ttl", ttl.TotalSeconds);
            }

            if (options?.FreshFor is { } fresh)
            {
                writer.WriteNumber("fresh", fresh.TotalSeconds);
            }

            if (options?.Tags is { Count: > 0 } tags)
            {
                writer.WriteStartArray("tags");
                foreach (var tag in tags)
                {
                    writer.WriteStringValue(tag);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }, cancellationToken);

        return [.. answers.Select(answer => answer.GetProperty("status").GetInt32() switch
        {
            (int)HttpStatusCode.Created => new CacheWriteResult(CacheWriteOutcome.Created, EtagVersion(answer)),
            (int)HttpStatusCode.NoContent => new CacheWriteResult(CacheWriteOutcome.Replaced, EtagVersion(answer)),
            _ => throw ItemException(answer),
        })];
    }

    public async Task<long> RemoveManyAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.Distinct(StringComparer.Ordinal).ToArray();
        var answers = await BatchAsync(list.Length, (writer, i) => Operation(writer, "del", list[i]), cancellationToken);
        return answers.Count(answer => answer.GetProperty("status").GetInt32() == (int)HttpStatusCode.NoContent
            || (Slug(answer) == "key-not-found" ? false : throw ItemException(answer)));
    }

    private async Task<JsonElement[]> BatchAsync(int count, Action<Utf8JsonWriter, int> writeItem, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            for (var i = 0; i < count; i++)
            {
                writeItem(writer, i);
            }

            writer.WriteEndArray();
        }

        using var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await api.SendAsync(HttpMethod.Post, BatchPath, content, headers: null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await HttpProblem.ToExceptionAsync(response, cancellationToken);
        }

        using var body = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        var answers = body.RootElement.EnumerateArray().Select(answer => answer.Clone()).ToArray();
        return answers.Length == count ? answers : throw new CacheClusterUnavailableException($"The batch answer has {answers.Length} items for {count} operations.");
    }

    private static void Operation(Utf8JsonWriter writer, string op, string key)
    {
        writer.WriteStartObject();
        writer.WriteString("op", op);
        writer.WriteString("key", key);
        writer.WriteEndObject();
    }

    private static string Slug(JsonElement answer) =>
        answer.TryGetProperty("type", out var type) && type.GetString() is { } uri ? uri[(uri.LastIndexOf('/') + 1)..] : string.Empty;

    private static long EtagVersion(JsonElement answer) =>
        answer.TryGetProperty("etag", out var etag) && long.TryParse(etag.GetString()?.Trim('"'), System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : 0;

    /// <summary>One operation's failure as the Orleans client throws it: bad input is exit 2, a cluster failure exit 3.</summary>
    private static Exception ItemException(JsonElement answer)
    {
        var status = answer.GetProperty("status").GetInt32();
        var detail = answer.TryGetProperty("detail", out var text) ? text.GetString() : null;
        detail ??= Slug(answer);
        return status switch
        {
            (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden =>
                new InvalidCacheRequestException($"the HTTP API refused the operation ({status} {Slug(answer)}): {detail} (give the key with ${ConnectionEnvironment.ApiKey} or --api-key)"),
            >= 400 and < 500 => new InvalidCacheRequestException(detail),
            _ => new CacheClusterUnavailableException(detail),
        };
    }
}
