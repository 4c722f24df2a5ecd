using System.Text.Json;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Analytics;
using GameBackend.Core.Common;
using GameBackend.Core.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Analytics;

/// <summary>
/// Telemetry ingest: a game client posts a batch of its events, each is validated on its own
/// (<see cref="TelemetryBatch"/>), the valid ones go to the event bus, and the answer comes only after the bus
/// accepted them, so an event reported as accepted is on the bus (Kafka acknowledged it, or the in-process queue holds
/// it). A bus that refuses answers 503 with Retry-After and reports nothing as accepted; the client resends the same
/// events with the same ids, and the consumers, which deduplicate by id, count each once.
/// </summary>
public static class IngestEndpoints
{
    public const string Tag = "Analytics";

    /// <summary>When a client should try again after the bus refused a batch.</summary>
    public static readonly TimeSpan BusRetryAfter = TimeSpan.FromSeconds(5);

    private static readonly JsonReaderOptions EnvelopeOptions = new() { MaxDepth = 64 };

    public static void Map(IEndpointRouteBuilder v1, PlayerAuthFilter player)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapPost("/analytics/events", Ingest)
            .WithTags(Tag)
            .AddEndpointFilter(player)
            .WithName("SendEvents")
            .WithSummary("Sends up to 500 telemetry events (1 MiB) of the signed-in player; valid events are accepted, the others listed with their error.")
            .AcceptsJson<IngestRequest>()
            .BodyProblems().ProducesProblems(401, 403, 503).CommonProblems();
    }

    private static async Task<Results<Ok<IngestResponse>, ApiProblem>> Ingest(HttpContext httpContext, [FromServices] IEventBus bus, [FromServices] TimeProvider time)
    {
        var body = await JsonBody.ReadBytesAsync(httpContext, TelemetryLimits.MaxBatchBytes);
        if (body.Bytes is not { } bytes)
        {
            return body.Problem!;
        }

        var caller = httpContext.CallerPlayer();
        var sender = new TelemetrySender(caller.TitleId, caller.PlayerId, httpContext.CallerPlayerSince());
        var read = ReadBatch(bytes, sender, time.GetUtcNow());
        if (read.Problem is { } problem)
        {
            return problem;
        }

        var batch = read.Batch!;
        if (batch.Accepted.Count == 0)
        {
            return new ApiProblem(400, ErrorCodes.NoValidEvents, batch.Count == 0 ? "The request holds no events." : "No event of the request is valid; \"rejected\" says why.")
            {
                WriteExtensions = writer => WriteRejected(writer, batch.Rejected),
            };
        }

        try
        {
            await bus.PublishAsync(batch.Accepted, httpContext.RequestAborted);
        }
        catch (EventBusUnavailableException)
        {
            return new ApiProblem(503, ErrorCodes.EventBusUnavailable, "The event bus did not accept the events; none was accepted. Send them again, with the same ids, after Retry-After.")
            {
                RetryAfter = BusRetryAfter,
            };
        }

        return TypedResults.Ok(new IngestResponse(batch.Accepted.Count, batch.Rejected));
    }

    /// <summary>
    /// Reads <c>{"events":[...]}</c> and hands each element, as sent, to <see cref="TelemetryBatch.Add"/>. The
    /// envelope is strict (a body of another shape is refused whole); the events are not (each is judged alone).
    /// </summary>
    internal static (TelemetryBatch? Batch, ApiProblem? Problem) ReadBatch(ReadOnlySpan<byte> body, TelemetrySender sender, DateTimeOffset now)
    {
        var batch = new TelemetryBatch(sender, now, body.Length / 128);
        var reader = new Utf8JsonReader(body, EnvelopeOptions);
        var sawEvents = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, NotABatch(null));
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("events"u8))
                {
                    var path = "$." + reader.GetString();
                    return (null, new ApiProblem(400, ApiErrorCodes.UnknownField, $"The body has a member this API does not know: {path}.", new Dictionary<string, string>(1) { ["path"] = path }));
                }

                if (sawEvents)
                {
                    return (null, NotABatch("$.events"));
                }

                sawEvents = true;
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    return (null, NotABatch("$.events"));
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (batch.Count == TelemetryLimits.MaxEventsPerBatch)
                    {
                        return (null, new ApiProblem(413, ErrorCodes.TooManyEvents, $"A request holds at most {TelemetryLimits.MaxEventsPerBatch} events; send the rest in another request."));
                    }

                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    batch.Add(body[start..(int)reader.BytesConsumed]);
                }
            }

            if (reader.Read())
            {
                return (null, NotABatch(null));
            }
        }
        catch (JsonException)
        {
            return (null, new ApiProblem(400, ApiErrorCodes.InvalidJson, "The body is not valid JSON."));
        }

        return sawEvents
            ? (batch, null)
            : (null, new ApiProblem(400, ApiErrorCodes.MissingField, "The body lacks required members: events.", new Dictionary<string, string>(1) { ["fields"] = "events" }));
    }

    private static ApiProblem NotABatch(string? path) =>
        new(400, ApiErrorCodes.InvalidJson, "The body is {\"events\": [ ... ]} (one array of events, given once).",
            path is null ? null : new Dictionary<string, string>(1) { ["path"] = path });

    private static void WriteRejected(Utf8JsonWriter writer, IReadOnlyList<TelemetryEventError> rejected)
    {
        writer.WritePropertyName("rejected"u8);
        JsonSerializer.Serialize(writer, rejected, ApiJsonContext.Default.IReadOnlyListTelemetryEventError);
    }
}
