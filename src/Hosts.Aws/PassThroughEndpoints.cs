using System.Text.Json;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Analytics;
using GameBackend.Core.Matchmaking;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace GameBackend.Hosts.Aws;

/// <summary>
/// The non-HTTP triggers. Lambda Web Adapter POSTs every event that is not an HTTP request, unchanged, to its
/// pass-through path (<c>AWS_LWA_PASS_THROUGH_PATH</c>, default <c>/events</c>); the host reads the same variable so
/// the two cannot disagree. The answer's status decides the invocation: the template sets
/// <c>AWS_LWA_ERROR_STATUS_CODES=400-599</c> on the tick and ingest functions, so anything but a 2xx fails the
/// invocation and Lambda retries it (a Kafka batch is delivered again and its offsets are not committed).
/// A 2xx is answered only after Core returned, that is after the batch's effects are stored.
/// </summary>
internal static partial class PassThroughEndpoints
{
    public const string PathVariable = "AWS_LWA_PASS_THROUGH_PATH";
    public const string DefaultPath = "/events";

    /// <summary>Lambda's limit for a synchronous invocation's payload (6 MB) with a margin: a batch Lambda can deliver is never refused for size.</summary>
    public const long MaxEventBytes = 7 * 1024 * 1024;

    public static string PathFrom(IConfiguration configuration) =>
        configuration[PathVariable] is { Length: > 0 } path ? path : DefaultPath;

    public static void MapTick(IEndpointRouteBuilder endpoints, string path) =>
        endpoints.MapPost(path, TickAsync).WithName("MatchmakingTickEvent").ExcludeFromDescription();

    public static void MapIngest(IEndpointRouteBuilder endpoints, string path) =>
        endpoints.MapPost(path, IngestAsync).WithName("AnalyticsIngestEvent").ExcludeFromDescription();

    private static async Task<IResult> TickAsync(
        HttpContext httpContext,
        [FromServices] MatchmakingTick tick,
        [FromServices] IOptions<AwsHostOptions> options,
        [FromServices] TimeProvider time,
        [FromServices] ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("GameBackend.Hosts.Aws.Tick");
        var (scheduled, problem) = await ReadAsync(httpContext, AwsJsonContext.Default.ScheduledEvent);
        if (problem is not null)
        {
            return problem;
        }

        if (scheduled is not { DetailType: ScheduledEvent.ScheduledDetailType, Source: ScheduledEvent.EventsSource })
        {
            return Unsupported(logger, "an EventBridge scheduled event (source aws.events, detail-type \"Scheduled Event\")");
        }

        var settings = options.Value.Tick;
        var runFor = TimeSpan.FromSeconds(settings.RunSeconds);
        var interval = TimeSpan.FromSeconds(settings.IntervalSeconds);
        var started = time.GetTimestamp();
        int ticks = 0, queues = 0, matches = 0, timedOut = 0, conflicts = 0, noRelay = 0, eventFailures = 0;
        try
        {
            while (true)
            {
                var tickStarted = time.GetTimestamp();
                foreach (var report in await tick.RunAllAsync(httpContext.RequestAborted))
                {
                    queues++;
                    matches += report.MatchesFormed;
                    timedOut += report.TimedOut;
                    conflicts += report.Conflicts;
                    noRelay += report.NoRelay;
                    eventFailures += report.EventFailures;
                }

                ticks++;
                var wait = interval - time.GetElapsedTime(tickStarted);
                if (time.GetElapsedTime(started) + (wait > TimeSpan.Zero ? wait : TimeSpan.Zero) >= runFor)
                {
                    break;
                }

                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, httpContext.RequestAborted);
                }
            }
        }
        catch (Exception ex) when (!httpContext.RequestAborted.IsCancellationRequested)
        {
            // One failed tick fails the invocation: the schedule's retry and the error metric show it, and the next
            // minute's invocation ticks again from the stored state.
            TickFailed(logger, scheduled.Id ?? "", ticks, ex);
            return new ApiProblem(500, ApiErrorCodes.InternalError, "The matchmaking tick failed; see the function's log.");
        }

        var summary = new TickInvocationReport(ticks, queues, matches, timedOut, conflicts, noRelay, eventFailures);
        TickDone(logger, scheduled.Id ?? "", ticks, queues, matches, timedOut, conflicts, noRelay, eventFailures, time.GetElapsedTime(started).TotalMilliseconds);
        return TypedResults.Json(summary, AwsJsonContext.Default.TickInvocationReport);
    }

    private static async Task<IResult> IngestAsync(
        HttpContext httpContext,
        [FromServices] IEventRecordHandler handler,
        [FromServices] TimeProvider time,
        [FromServices] ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("GameBackend.Hosts.Aws.Ingest");
        var (batch, problem) = await ReadAsync(httpContext, AwsJsonContext.Default.KafkaEvent);
        if (problem is not null)
        {
            return problem;
        }

        if (batch is not { EventSource: KafkaEvent.MskSource or KafkaEvent.SelfManagedSource, Records: not null })
        {
            return Unsupported(logger, "a Kafka event (eventSource aws:kafka or SelfManagedKafka, with records)");
        }

        if (!KafkaRecords.TryTranslate(batch.Records, out var records, out var error))
        {
            BatchRejected(logger, error);
            return new ApiProblem(400, HostErrorCodes.UnsupportedEvent, error);
        }

        var started = time.GetTimestamp();
        IngestBatchReport report;
        try
        {
            report = await handler.HandleAsync(records, httpContext.RequestAborted);
        }
        catch (Exception ex) when (!httpContext.RequestAborted.IsCancellationRequested)
        {
            // Not stored, so not acknowledged: the 500 fails the invocation and Lambda delivers the batch again.
            IngestFailed(logger, records.Count, ex);
            return new ApiProblem(500, ApiErrorCodes.InternalError, "The batch was not stored; it will be delivered again.");
        }

        IngestDone(logger, report.Records, report.Applied, report.Duplicates, report.Malformed, time.GetElapsedTime(started).TotalMilliseconds);
        return TypedResults.Json(
            new IngestInvocationReport(report.Records, report.Applied, report.Duplicates, report.Malformed),
            AwsJsonContext.Default.IngestInvocationReport);
    }

    /// <summary>Reads the whole event (whatever its Content-Type: the adapter forwards Lambda's payload as it came).</summary>
    private static async Task<(T? Value, ApiProblem? Problem)> ReadAsync<T>(HttpContext httpContext, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        // The API's body cap (GameBackend:Api:MaxRequestBodyBytes) is for players' requests; a Kafka batch may be megabytes.
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxEventBytes;
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(httpContext.Request.Body, typeInfo, httpContext.RequestAborted);
            return value is null
                ? (null, new ApiProblem(400, ApiErrorCodes.InvalidJson, "The event is null."))
                : (value, null);
        }
        catch (JsonException ex)
        {
            return (null, new ApiProblem(400, ApiErrorCodes.InvalidJson, "The event is not the JSON this function takes: " + ex.Message));
        }
    }

    private static ApiProblem Unsupported(ILogger logger, string expected)
    {
        var detail = "This function takes " + expected + ".";
        BatchRejected(logger, detail);
        return new ApiProblem(400, HostErrorCodes.UnsupportedEvent, detail);
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information,
        Message = "Scheduled event {EventId}: {Ticks} ticks over {Queues} queue runs, {Matches} matches formed, {TimedOut} timed out, {Conflicts} conflicts, {NoRelay} without relay, {EventFailures} events not published, {DurationMs:F1} ms")]
    private static partial void TickDone(ILogger logger, string eventId, int ticks, int queues, int matches, int timedOut, int conflicts, int noRelay, int eventFailures, double durationMs);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "Scheduled event {EventId}: tick {Tick} failed; the invocation fails")]
    private static partial void TickFailed(ILogger logger, string eventId, int tick, Exception exception);

    [LoggerMessage(EventId = 3200, Level = LogLevel.Information,
        Message = "Kafka batch: {Records} records, {Applied} applied, {Duplicates} duplicates, {Malformed} malformed, {DurationMs:F1} ms")]
    private static partial void IngestDone(ILogger logger, int records, int applied, int duplicates, int malformed, double durationMs);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Error, Message = "Kafka batch of {Records} records was not stored; the invocation fails and Lambda delivers it again")]
    private static partial void IngestFailed(ILogger logger, int records, Exception exception);

    [LoggerMessage(EventId = 3300, Level = LogLevel.Error, Message = "Event rejected; the invocation fails: {Reason}")]
    private static partial void BatchRejected(ILogger logger, string reason);
}
