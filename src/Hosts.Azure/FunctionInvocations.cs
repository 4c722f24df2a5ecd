using System.Globalization;
using System.Text.Json;
using GameBackend.Core.Analytics;
using GameBackend.Core.Matchmaking;

namespace GameBackend.Hosts.Azure;

/// <summary>
/// The non-HTTP functions: the Functions host POSTs <c>{ "Data": …, "Metadata": … }</c> to <c>/{functionName}</c> and reads
/// <c>{ "Outputs": …, "Logs": …, "ReturnValue": … }</c> back. 200 is success; any other status fails the invocation, which
/// is what a failed batch must do so the Kafka trigger's retry policy delivers it again instead of moving on.
/// </summary>
/// <remarks>
/// These paths are reachable only from the Functions host: the handler listens on 127.0.0.1, and no HTTP function's
/// route reaches them (the API's routes start with v1/, healthz, readyz or openapi/), so a client cannot forward a
/// request to <c>/MatchmakingTick</c> or <c>/AnalyticsIngest</c> through the player API.
/// </remarks>
internal static partial class FunctionInvocations
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/" + AzureFunctionNames.MatchmakingTick, RunMatchmakingTickAsync).ExcludeFromDescription();
        endpoints.MapPost("/" + AzureFunctionNames.AnalyticsIngest, RunAnalyticsIngestAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> RunMatchmakingTickAsync(HttpContext http, MatchmakingTick tick, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(FunctionInvocations).FullName!);
        var (request, problem) = await ReadAsync(http, AzureFunctionNames.TimerBinding, logger);
        if (request is null)
        {
            return problem!;
        }

        TimerInfo? timer;
        try
        {
            var value = request.Data![AzureFunctionNames.TimerBinding];
            timer = value.ValueKind == JsonValueKind.String
                ? JsonSerializer.Deserialize(value.GetString()!, CustomHandlerJsonContext.Default.TimerInfo)
                : value.Deserialize(CustomHandlerJsonContext.Default.TimerInfo);
        }
        catch (JsonException ex)
        {
            return Fail(StatusCodes.Status400BadRequest, $"Data.{AzureFunctionNames.TimerBinding} is not a timer trigger value: {ex.Message}", logger);
        }

        try
        {
            var reports = await tick.RunAllAsync(http.RequestAborted);
            var logs = new List<string>();
            int matches = 0, timedOut = 0, eventFailures = 0;
            foreach (var r in reports)
            {
                matches += r.MatchesFormed;
                timedOut += r.TimedOut;
                eventFailures += r.EventFailures;
                if (r.MatchesFormed > 0 || r.TimedOut > 0 || r.NoRelay > 0 || r.EventFailures > 0)
                {
                    logs.Add(string.Create(CultureInfo.InvariantCulture,
                        $"{r.TitleId}/{r.QueueId}: {r.Searching} searching, {r.MatchesFormed} matches formed, {r.TimedOut} timed out, {r.Conflicts} conflicts, {r.NoRelay} without relay, {r.EventFailures} events not published, {r.Duration.TotalMilliseconds:F1} ms"));
                }
            }

            var summary = string.Create(CultureInfo.InvariantCulture,
                $"matchmaking tick: {reports.Count} queues, {matches} matches formed, {timedOut} timed out, {eventFailures} events not published{(timer?.IsPastDue == true ? " (past due)" : "")}");
            Log.TickDone(logger, reports.Count, matches, timedOut, eventFailures, timer?.IsPastDue == true);
            logs.Add(summary);
            return Ok(logs, summary);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            // A failed tick fails the invocation; the next schedule occurrence runs it again (ticks are safe to repeat).
            Log.TickFailed(logger, ex);
            return Fail(StatusCodes.Status500InternalServerError, "matchmaking tick failed: " + ex.Message, logger: null);
        }
    }

    private static async Task<IResult> RunAnalyticsIngestAsync(HttpContext http, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(FunctionInvocations).FullName!);
        var (request, problem) = await ReadAsync(http, AzureFunctionNames.KafkaBinding, logger);
        if (request is null)
        {
            return problem!;
        }

        IReadOnlyList<EventRecord> records;
        try
        {
            records = KafkaTriggerBatch.Parse(request.Data![AzureFunctionNames.KafkaBinding]);
        }
        catch (KafkaBatchFormatException ex)
        {
            return Fail(StatusCodes.Status400BadRequest, $"Data.{AzureFunctionNames.KafkaBinding}: {ex.Message}", logger);
        }

        // AddGameBackendApi registers Core's handler (AnalyticsIngest) for every host.
        var handler = http.RequestServices.GetService<IEventRecordHandler>();
        if (handler is null)
        {
            return Fail(StatusCodes.Status503ServiceUnavailable, "analytics ingest is not configured in this host (no IEventRecordHandler)", logger);
        }

        try
        {
            // Returns only once the batch's effects are stored; a throw fails the invocation and the batch comes again.
            var report = await handler.HandleAsync(records, http.RequestAborted);
            var summary = string.Create(CultureInfo.InvariantCulture,
                $"analytics ingest: {report.Records} records, {report.Applied} applied, {report.Duplicates} duplicates, {report.Malformed} malformed");
            Log.IngestDone(logger, report.Records, report.Applied, report.Duplicates, report.Malformed);
            return Ok([summary], summary);
        }
        catch (Exception ex) when (!http.RequestAborted.IsCancellationRequested)
        {
            Log.IngestFailed(logger, records.Count, ex);
            return Fail(StatusCodes.Status500InternalServerError, "analytics ingest failed; the batch is not committed: " + ex.Message, logger: null);
        }
    }

    private static async Task<(InvocationRequest? Request, IResult? Problem)> ReadAsync(HttpContext http, string binding, ILogger logger)
    {
        InvocationRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(http.Request.Body, CustomHandlerJsonContext.Default.InvocationRequest, http.RequestAborted);
        }
        catch (JsonException ex)
        {
            return (null, Fail(StatusCodes.Status400BadRequest, "The body is not a custom-handler invocation: " + ex.Message, logger));
        }

        if (request?.Data is null || !request.Data.ContainsKey(binding))
        {
            return (null, Fail(StatusCodes.Status400BadRequest, $"The invocation has no Data.{binding}.", logger));
        }

        return (request, null);
    }

    private static IResult Ok(IReadOnlyList<string> logs, string returnValue) =>
        Results.Json(new InvocationResponse([], logs, returnValue), CustomHandlerJsonContext.Default.InvocationResponse);

    private static IResult Fail(int status, string message, ILogger? logger)
    {
        if (logger is not null)
        {
            Log.InvocationRejected(logger, status, message);
        }

        return Results.Json(new InvocationResponse([], [message], null), CustomHandlerJsonContext.Default.InvocationResponse, statusCode: status);
    }
}
