using GameBackend.Api.Infrastructure;
using GameBackend.Core.Common;
using GameBackend.Core.Matchmaking;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Matchmaking;

/// <summary>
/// Matchmaking: the studio defines queues, queues parties, ticks queues on demand and reports results (X-Server-Key);
/// players queue themselves, poll their ticket, read their match and, where the queue allows, report its result
/// (Bearer). A scheduler ticks every queue without HTTP (each host's timer); the admin tick route is for tools and tests.
/// </summary>
public static class MatchmakingEndpoints
{
    public const string Tag = "Matchmaking";

    public static void Map(IEndpointRouteBuilder v1, PlayerAuthFilter player, ServerKeyFilter serverKey)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var admin = v1.MapGroup("/admin/matchmaking").WithTags(Tag).AddEndpointFilter(serverKey);

        admin.MapPut("/queues/{queueId}", PutQueue)
            .WithName("AdminPutQueue")
            .WithSummary("Creates or replaces a queue's rule set (validated; the error names the member at fault). With If-Match, only at that version.")
            .AcceptsJson<QueueConfig>()
            .BodyProblems().ProducesProblems(401, 409).CommonProblems();

        admin.MapGet("/queues", ListQueues)
            .WithName("AdminListQueues")
            .WithSummary("Every queue of the title.")
            .ProducesProblems(401).CommonProblems();

        admin.MapGet("/queues/{queueId}", GetQueue)
            .WithName("AdminGetQueue")
            .WithSummary("A queue's rule set; the ETag header is its version.")
            .ProducesProblems(401, 404).CommonProblems();

        admin.MapDelete("/queues/{queueId}", DeleteQueue)
            .WithName("AdminDeleteQueue")
            .WithSummary("Deletes a queue; its searching tickets stop being matched and no longer count as active.")
            .ProducesProblems(401, 404).CommonProblems();

        admin.MapPost("/queues/{queueId}/tick", Tick)
            .WithName("AdminTickQueue")
            .WithSummary("Runs one matchmaking tick of the queue now (the scheduler does this every second).")
            .ProducesProblems(401, 404).CommonProblems();

        admin.MapPost("/queues/{queueId}/tickets", CreatePartyTicket)
            .WithName("AdminCreateTicket")
            .WithSummary("Queues a party of existing players (they play on one team).")
            .AcceptsJson<CreatePartyTicketRequest>()
            .BodyProblems().ProducesProblems(401, 404, 409, 503).CommonProblems();

        admin.MapGet("/queues/{queueId}/tickets/{ticketId}", AdminGetTicket)
            .WithName("AdminGetTicket")
            .WithSummary("A ticket, with every seat's join token once matched.")
            .ProducesProblems(401, 404).CommonProblems();

        admin.MapDelete("/queues/{queueId}/tickets/{ticketId}", AdminCancelTicket)
            .WithName("AdminCancelTicket")
            .WithSummary("Cancels a searching ticket.")
            .ProducesProblems(401, 404, 409).CommonProblems();

        admin.MapGet("/queues/{queueId}/matches/{matchId}", AdminGetMatch)
            .WithName("AdminGetMatch")
            .WithSummary("A match with its result and every player's rating change.")
            .ProducesProblems(401, 404).CommonProblems();

        admin.MapPost("/queues/{queueId}/matches/{matchId}/result", AdminReport)
            .WithName("AdminReportMatchResult")
            .WithSummary("Reports the final result (team ranks); ratings update once.")
            .AcceptsJson<ReportMatchResultRequest>()
            .BodyProblems().ProducesProblems(401, 404, 409, 503).CommonProblems();

        admin.MapGet("/players/{playerId}/ratings", AdminListRatings)
            .WithName("AdminListPlayerRatings")
            .WithSummary("A player's ratings, one per rating key they have played under.")
            .ProducesProblems(401).CommonProblems();

        var players = v1.MapGroup("/matchmaking").WithTags(Tag).AddEndpointFilter(player);

        players.MapPost("/queues/{queueId}/tickets", CreateTicket)
            .WithName("CreateTicket")
            .WithSummary("Queues the caller: the queue's attributes and pings to its regions. One searching ticket per player per title.")
            .AcceptsJson<CreateTicketRequest>()
            .BodyProblems().ProducesProblems(401, 403, 404, 409, 503).CommonProblems();

        players.MapGet("/tickets/current", GetLatestTicket)
            .WithName("GetCurrentTicket")
            .WithSummary("The caller's latest ticket (any queue).")
            .ProducesProblems(401, 403, 404).CommonProblems();

        players.MapGet("/queues/{queueId}/tickets/{ticketId}", GetTicket)
            .WithName("GetTicket")
            .WithSummary("A ticket the caller is on: its status, when to poll again, and once matched where to play with the caller's join token.")
            .ProducesProblems(401, 403, 404).CommonProblems();

        players.MapDelete("/queues/{queueId}/tickets/{ticketId}", CancelTicket)
            .WithName("CancelTicket")
            .WithSummary("Cancels a searching ticket the caller is on.")
            .ProducesProblems(401, 403, 404, 409).CommonProblems();

        players.MapGet("/queues/{queueId}/matches/{matchId}", GetMatch)
            .WithName("GetMatch")
            .WithSummary("A match the caller played in, with the caller's rating change once rated.")
            .ProducesProblems(401, 403, 404).CommonProblems();

        players.MapPost("/queues/{queueId}/matches/{matchId}/result", Report)
            .WithName("ReportMatchResult")
            .WithSummary("Reports the result as the caller saw it, where the queue takes player reports; the agreement rule settles it.")
            .AcceptsJson<ReportMatchResultRequest>()
            .BodyProblems().ProducesProblems(401, 403, 404, 409, 503).CommonProblems();

        players.MapGet("/ratings", ListRatings)
            .WithName("ListRatings")
            .WithSummary("The caller's ratings, one per rating key they have played under.")
            .ProducesProblems(401, 403).CommonProblems();
    }

    private static async Task<Results<Ok<QueueResponse>, ApiProblem>> PutQueue(
        HttpContext httpContext, string queueId, [FromServices] QueueService queues, [FromServices] ApiLimits limits)
    {
        if (!EntityTags.TryParseIfMatch(httpContext.Request.Headers.IfMatch, out var expectedVersion))
        {
            return new ApiProblem(400, ApiErrorCodes.InvalidIfMatch, "If-Match must be one entity tag (or *).");
        }

        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.QueueConfig, limits.MaxRequestBodyBytes);
        if (body.Value is not { } config)
        {
            return body.Problem!;
        }

        return RespondQueue(httpContext, await queues.PutAsync(httpContext.CallerTitle().Id, queueId, config, expectedVersion, httpContext.RequestAborted));
    }

    private static async Task<Ok<QueueListResponse>> ListQueues(HttpContext httpContext, [FromServices] QueueService queues)
    {
        var list = await queues.ListAsync(httpContext.CallerTitle().Id, httpContext.RequestAborted);
        return TypedResults.Ok(new QueueListResponse(list.Select(QueueResponse.From).ToList()));
    }

    private static async Task<Results<Ok<QueueResponse>, ApiProblem>> GetQueue(HttpContext httpContext, string queueId, [FromServices] QueueService queues) =>
        RespondQueue(httpContext, await queues.GetAsync(httpContext.CallerTitle().Id, queueId, httpContext.RequestAborted, refresh: true));

    private static async Task<Results<NoContent, ApiProblem>> DeleteQueue(HttpContext httpContext, string queueId, [FromServices] QueueService queues)
    {
        var result = await queues.DeleteAsync(httpContext.CallerTitle().Id, queueId, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.NoContent() : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<TickReportResponse>, ApiProblem>> Tick(HttpContext httpContext, string queueId, [FromServices] MatchmakingTick tick)
    {
        var result = await tick.RunQueueAsync(httpContext.CallerTitle().Id, queueId, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(TickReportResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Created<TicketResponse>, ApiProblem>> CreatePartyTicket(
        HttpContext httpContext, string queueId, [FromServices] TicketService tickets, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.CreatePartyTicketRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var titleId = httpContext.CallerTitle().Id;
        var result = await tickets.CreateAsync(titleId, queueId, new TicketRequest(request.Players, request.Attributes, request.Pings), null, httpContext.RequestAborted);
        return RespondCreated($"/v1/admin/matchmaking/queues/{queueId}/tickets/", result);
    }

    private static async Task<Results<Ok<TicketResponse>, ApiProblem>> AdminGetTicket(
        HttpContext httpContext, string queueId, string ticketId, [FromServices] TicketService tickets) =>
        RespondTicket(await tickets.GetAsync(httpContext.CallerTitle().Id, queueId, ticketId, null, httpContext.RequestAborted));

    private static async Task<Results<Ok<TicketResponse>, ApiProblem>> AdminCancelTicket(
        HttpContext httpContext, string queueId, string ticketId, [FromServices] TicketService tickets) =>
        RespondTicket(await tickets.CancelAsync(httpContext.CallerTitle().Id, queueId, ticketId, null, httpContext.RequestAborted));

    private static async Task<Results<Ok<MatchResponse>, ApiProblem>> AdminGetMatch(
        HttpContext httpContext, string queueId, string matchId, [FromServices] MatchResults results) =>
        RespondMatch(await results.GetAsync(httpContext.CallerTitle().Id, queueId, matchId, null, httpContext.RequestAborted), everyone: true);

    private static async Task<Results<Ok<MatchResponse>, ApiProblem>> AdminReport(
        HttpContext httpContext, string queueId, string matchId, [FromServices] MatchResults results, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.ReportMatchResultRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return RespondMatch(await results.ReportAsync(httpContext.CallerTitle().Id, queueId, matchId, request.TeamRanks, null, httpContext.RequestAborted), everyone: true);
    }

    private static async Task<Ok<PlayerRatingListResponse>> AdminListRatings(HttpContext httpContext, string playerId, [FromServices] PlayerRatings ratings)
    {
        var list = Ids.IsWellFormed(playerId) ? await ratings.ListAsync(httpContext.CallerTitle().Id, playerId, httpContext.RequestAborted) : [];
        return TypedResults.Ok(new PlayerRatingListResponse(list.Select(PlayerRatingResponse.From).ToList()));
    }

    private static async Task<Results<Created<TicketResponse>, ApiProblem>> CreateTicket(
        HttpContext httpContext, string queueId, [FromServices] TicketService tickets, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.CreateTicketRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var caller = httpContext.CallerPlayer();
        var result = await tickets.CreateAsync(caller.TitleId, queueId, new TicketRequest([caller.PlayerId], request.Attributes, request.Pings), caller.PlayerId, httpContext.RequestAborted);
        return RespondCreated($"/v1/matchmaking/queues/{queueId}/tickets/", result);
    }

    private static async Task<Results<Ok<TicketResponse>, ApiProblem>> GetLatestTicket(HttpContext httpContext, [FromServices] TicketService tickets)
    {
        var caller = httpContext.CallerPlayer();
        return RespondTicket(await tickets.GetLatestAsync(caller.TitleId, caller.PlayerId, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<TicketResponse>, ApiProblem>> GetTicket(
        HttpContext httpContext, string queueId, string ticketId, [FromServices] TicketService tickets)
    {
        var caller = httpContext.CallerPlayer();
        return RespondTicket(await tickets.GetAsync(caller.TitleId, queueId, ticketId, caller.PlayerId, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<TicketResponse>, ApiProblem>> CancelTicket(
        HttpContext httpContext, string queueId, string ticketId, [FromServices] TicketService tickets)
    {
        var caller = httpContext.CallerPlayer();
        return RespondTicket(await tickets.CancelAsync(caller.TitleId, queueId, ticketId, caller.PlayerId, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<MatchResponse>, ApiProblem>> GetMatch(
        HttpContext httpContext, string queueId, string matchId, [FromServices] MatchResults results)
    {
        var caller = httpContext.CallerPlayer();
        return RespondMatch(await results.GetAsync(caller.TitleId, queueId, matchId, caller.PlayerId, httpContext.RequestAborted), everyone: false);
    }

    private static async Task<Results<Ok<MatchResponse>, ApiProblem>> Report(
        HttpContext httpContext, string queueId, string matchId, [FromServices] MatchResults results, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.ReportMatchResultRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var caller = httpContext.CallerPlayer();
        return RespondMatch(await results.ReportAsync(caller.TitleId, queueId, matchId, request.TeamRanks, caller.PlayerId, httpContext.RequestAborted), everyone: false);
    }

    private static async Task<Ok<PlayerRatingListResponse>> ListRatings(HttpContext httpContext, [FromServices] PlayerRatings ratings)
    {
        var caller = httpContext.CallerPlayer();
        var list = await ratings.ListAsync(caller.TitleId, caller.PlayerId, httpContext.RequestAborted);
        return TypedResults.Ok(new PlayerRatingListResponse(list.Select(PlayerRatingResponse.From).ToList()));
    }

    private static Results<Ok<QueueResponse>, ApiProblem> RespondQueue(HttpContext httpContext, Result<QueueStatus> result)
    {
        if (!result.IsSuccess)
        {
            return ApiProblem.From(result.Error);
        }

        httpContext.Response.Headers.ETag = EntityTags.Format(result.Value.Version);
        return TypedResults.Ok(QueueResponse.From(result.Value));
    }

    private static Results<Created<TicketResponse>, ApiProblem> RespondCreated(string location, Result<TicketView> result) =>
        result.IsSuccess ? TypedResults.Created(location + result.Value.Ticket.Id, TicketResponse.From(result.Value)) : ApiProblem.From(result.Error);

    private static Results<Ok<TicketResponse>, ApiProblem> RespondTicket(Result<TicketView> result) =>
        result.IsSuccess ? TypedResults.Ok(TicketResponse.From(result.Value)) : ApiProblem.From(result.Error);

    private static Results<Ok<MatchResponse>, ApiProblem> RespondMatch(Result<MatchView> result, bool everyone) =>
        result.IsSuccess ? TypedResults.Ok(MatchResponse.From(result.Value, everyone)) : ApiProblem.From(result.Error);
}
