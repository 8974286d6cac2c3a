using System.Globalization;
using System.Text.Json;
using CacheCluster.Http.Auth;
using CacheCluster.Http.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace CacheCluster.Http.Events;

/// <summary>
/// <c>POST /v1/events</c>: publishes a domain event <c>{"id", "type", "occurredAt", "subject", "data": {…}}</c> to the
/// invalidation stream and answers 202 with its place in the sequence once it is durable. <c>id</c> defaults to a new
/// one (send your own to make retries harmless), <c>occurredAt</c> to now.
/// </summary>
internal static class EventsEndpoint
{
    /// <summary>Room for the envelope around the data.</summary>
    private const int EnvelopeBytes = 4096;

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapPost("/v1/events", PublishAsync).WithMetadata(new RequiredScope(ApiScopes.Invalidate), CacheCluster.Http.Hosting.QueryParameters.None);

    private static async Task<IResult> PublishAsync(HttpContext context, CacheHttpApi api)
    {
        var maxBytes = api.Invalidation.MaxEventBytes + EnvelopeBytes;
        if (context.Request.ContentLength > maxBytes)
        {
            throw new InvalidDomainEventException($"The event is {context.Request.ContentLength} bytes; the limit is {api.Invalidation.MaxEventBytes} bytes of data.");
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = maxBytes;
        }

        using var body = await ReadAsync(context).ConfigureAwait(false);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDomainEventException("The body must be a JSON object {\"id\", \"type\", \"occurredAt\", \"data\": {…}}.");
        }

        var domainEvent = new DomainEvent(
            Text(root, "id") ?? Guid.NewGuid().ToString("N"),
            Text(root, "type") ?? throw new InvalidDomainEventException("The event needs a \"type\", such as \"user.updated\"."),
            Time(root) ?? api.Clock.GetUtcNow(),
            root.TryGetProperty("data", out var data) ? data.GetRawText() : throw new InvalidDomainEventException("The event needs \"data\", a JSON object."))
        {
            Subject = Text(root, "subject"),
        };

        var receipt = await api.Grains.GetGrain<IInvalidationPublisherGrain>(0).PublishAsync(domainEvent).ConfigureAwait(false);
        return TypedResults.Accepted((string?)null, new EventReceipt(domainEvent.Id, receipt.Partition, receipt.Sequence, receipt.Duplicate, receipt.Matched));
    }

    private static async Task<JsonDocument> ReadAsync(HttpContext context)
    {
        try
        {
            return await JsonDocument.ParseAsync(context.Request.Body, new JsonDocumentOptions { MaxDepth = DomainEvent.MaxDepth + 1 }, context.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new InvalidDomainEventException($"The event is not valid JSON (or its data is nested deeper than {DomainEvent.MaxDepth}): {ex.Message}");
        }
    }

    private static string? Text(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new InvalidDomainEventException($"The event's \"{name}\" must be a string.");

    private static DateTimeOffset? Time(JsonElement root) =>
        Text(root, "occurredAt") is not { } text ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time
        : throw new InvalidDomainEventException($"The event's \"occurredAt\" is not an ISO 8601 time ('{text}').");
}

/// <summary>The 202 answer: the event's id and its place in the stream.</summary>
internal sealed record EventReceipt(string Id, int Partition, long Sequence, bool Duplicate, bool Matched);
