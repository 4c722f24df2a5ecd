using System.Globalization;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Common;
using GameBackend.Core.Leaderboards;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Leaderboards;

/// <summary>
/// Leaderboards: the studio defines boards and may submit for players (X-Server-Key); players submit their own scores
/// and read the top, their neighbourhood, their own rank and their friends' (Bearer). The title always comes from the
/// credential, so another title's boards and players are simply not found.
/// </summary>
public static class LeaderboardEndpoints
{
    public const string Tag = "Leaderboards";

    public static void Map(IEndpointRouteBuilder v1, PlayerAuthFilter player, ServerKeyFilter serverKey)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var admin = v1.MapGroup("/admin/leaderboards").WithTags(Tag).AddEndpointFilter(serverKey);

        admin.MapPost("/", CreateBoard)
            .WithName("AdminCreateLeaderboard")
            .WithSummary("Creates a leaderboard: sort order, operator, optional reset schedule (cron, UTC).")
            .AcceptsJson<CreateLeaderboardRequest>()
            .BodyProblems().ProducesProblems(401, 409).CommonProblems();

        admin.MapGet("/", ListBoards)
            .WithName("AdminListLeaderboards")
            .WithSummary("Every leaderboard of the title, by id.")
            .ProducesProblems(401).CommonProblems();

        admin.MapGet("/{id}", GetBoardAsAdmin)
            .WithName("AdminGetLeaderboard")
            .WithSummary("A leaderboard with its current and previous period.")
            .ProducesProblems(401, 404).CommonProblems();

        admin.MapDelete("/{id}", DeleteBoard)
            .WithName("AdminDeleteLeaderboard")
            .WithSummary("Deletes a leaderboard; a board created again under the id starts empty.")
            .ProducesProblems(401, 404).CommonProblems();

        admin.MapPost("/{id}/records/{playerId}", SubmitForPlayer)
            .WithName("AdminSubmitLeaderboardScore")
            .WithSummary("Submits a score on behalf of a player (a trusted game server).")
            .AcceptsJson<SubmitScoreRequest>()
            .BodyProblems().ProducesProblems(401, 404, 503).CommonProblems();

        var boards = v1.MapGroup("/leaderboards").WithTags(Tag).AddEndpointFilter(player);

        boards.MapGet("/{id}", GetBoard)
            .WithName("GetLeaderboard")
            .WithSummary("A leaderboard with its current and previous period.")
            .ProducesProblems(401, 403, 404).CommonProblems();

        boards.MapPost("/{id}/records", Submit)
            .WithName("SubmitLeaderboardScore")
            .WithSummary("Submits the caller's score; the board's operator combines it with the caller's record of the current period.")
            .AcceptsJson<SubmitScoreRequest>()
            .BodyProblems().ProducesProblems(401, 403, 404, 503).CommonProblems();

        boards.MapGet("/{id}/records", GetTop)
            .WithName("ListLeaderboardRecords")
            .WithSummary("The top of a period in rank order: limit 1–100 (default 20), cursor from the previous page, period (default: the current one).")
            .ProducesProblems(400, 401, 403, 404).CommonProblems();

        boards.MapGet("/{id}/records/around-me", GetAroundMe)
            .WithName("ListLeaderboardRecordsAroundMe")
            .WithSummary("The caller's record and up to k (0–50, default 5) records on each side.")
            .ProducesProblems(400, 401, 403, 404).CommonProblems();

        boards.MapGet("/{id}/records/me", GetMine)
            .WithName("GetMyLeaderboardRecord")
            .WithSummary("The caller's record with its rank.")
            .ProducesProblems(400, 401, 403, 404).CommonProblems();

        boards.MapGet("/{id}/records/friends", GetFriends)
            .WithName("ListLeaderboardRecordsOfFriends")
            .WithSummary("The caller's and their friends' records in rank order, each with its board-wide rank.")
            .ProducesProblems(400, 401, 403, 404).CommonProblems();
    }

    private static async Task<Results<Created<LeaderboardResponse>, ApiProblem>> CreateBoard(
        HttpContext httpContext, [FromServices] LeaderboardService leaderboards, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.CreateLeaderboardRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var definition = new LeaderboardDefinition(request.Id, request.SortOrder, request.Operator, request.ResetSchedule);
        var result = await leaderboards.CreateAsync(httpContext.CallerTitle().Id, definition, httpContext.RequestAborted);
        return result.IsSuccess
            ? TypedResults.Created($"/v1/admin/leaderboards/{result.Value.Board.Id}", LeaderboardResponse.From(result.Value))
            : ApiProblem.From(result.Error);
    }

    private static async Task<Ok<LeaderboardListResponse>> ListBoards(HttpContext httpContext, [FromServices] LeaderboardService leaderboards)
    {
        var boards = await leaderboards.ListAsync(httpContext.CallerTitle().Id, httpContext.RequestAborted);
        return TypedResults.Ok(new LeaderboardListResponse(boards.Select(LeaderboardResponse.From).ToList()));
    }

    private static async Task<Results<Ok<LeaderboardResponse>, ApiProblem>> GetBoardAsAdmin(HttpContext httpContext, string id, [FromServices] LeaderboardService leaderboards) =>
        RespondBoard(await leaderboards.GetAsync(httpContext.CallerTitle().Id, id, httpContext.RequestAborted));

    private static async Task<Results<Ok<LeaderboardResponse>, ApiProblem>> GetBoard(HttpContext httpContext, string id, [FromServices] LeaderboardService leaderboards) =>
        RespondBoard(await leaderboards.GetAsync(httpContext.CallerPlayer().TitleId, id, httpContext.RequestAborted));

    private static async Task<Results<NoContent, ApiProblem>> DeleteBoard(HttpContext httpContext, string id, [FromServices] LeaderboardService leaderboards)
    {
        var result = await leaderboards.DeleteAsync(httpContext.CallerTitle().Id, id, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.NoContent() : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<LeaderboardRecordResponse>, ApiProblem>> SubmitForPlayer(
        HttpContext httpContext, string id, string playerId, [FromServices] LeaderboardService leaderboards, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.SubmitScoreRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return RespondRecord(await leaderboards.SubmitForPlayerAsync(httpContext.CallerTitle().Id, id, playerId, request.Score, request.Metadata, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<LeaderboardRecordResponse>, ApiProblem>> Submit(
        HttpContext httpContext, string id, [FromServices] LeaderboardService leaderboards, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.SubmitScoreRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var caller = httpContext.CallerPlayer();
        return RespondRecord(await leaderboards.SubmitAsync(caller.TitleId, id, caller.PlayerId, request.Score, request.Metadata, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<LeaderboardRecordPageResponse>, ApiProblem>> GetTop(
        HttpContext httpContext, string id, string? limit, string? cursor, string? period, [FromServices] LeaderboardService leaderboards)
    {
        if (!TryParseCount(limit, out var pageLimit))
        {
            return LimitProblem();
        }

        var caller = httpContext.CallerPlayer();
        return RespondPage(await leaderboards.GetTopAsync(caller.TitleId, id, period, pageLimit, cursor, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<LeaderboardRecordPageResponse>, ApiProblem>> GetAroundMe(
        HttpContext httpContext, string id, string? k, string? period, [FromServices] LeaderboardService leaderboards)
    {
        if (!TryParseCount(k, out var radius))
        {
            return LimitProblem();
        }

        var caller = httpContext.CallerPlayer();
        return RespondPage(await leaderboards.GetAroundAsync(caller.TitleId, id, caller.PlayerId, period, radius, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<LeaderboardRecordResponse>, ApiProblem>> GetMine(
        HttpContext httpContext, string id, string? period, [FromServices] LeaderboardService leaderboards)
    {
        var caller = httpContext.CallerPlayer();
        return RespondRecord(await leaderboards.GetRecordAsync(caller.TitleId, id, caller.PlayerId, period, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<LeaderboardRecordPageResponse>, ApiProblem>> GetFriends(
        HttpContext httpContext, string id, string? period, [FromServices] FriendLeaderboard friends)
    {
        var caller = httpContext.CallerPlayer();
        return RespondPage(await friends.GetAsync(caller.TitleId, id, caller.PlayerId, period, httpContext.RequestAborted));
    }

    /// <summary>Query numbers are parsed here, not by binding, so a malformed one is a problem with a precise code.</summary>
    internal static bool TryParseCount(string? text, out int? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            value = parsed;
            return true;
        }

        return false;
    }

    internal static ApiProblem LimitProblem() =>
        new(400, ErrorCodes.InvalidLeaderboardLimit, "limit (1–100) and k (0–50) are whole numbers.");

    private static Results<Ok<LeaderboardResponse>, ApiProblem> RespondBoard(Result<LeaderboardStatus> result) =>
        result.IsSuccess ? TypedResults.Ok(LeaderboardResponse.From(result.Value)) : ApiProblem.From(result.Error);

    private static Results<Ok<LeaderboardRecordResponse>, ApiProblem> RespondRecord(Result<LeaderboardRecord> result) =>
        result.IsSuccess ? TypedResults.Ok(LeaderboardRecordResponse.From(result.Value)) : ApiProblem.From(result.Error);

    internal static Results<Ok<LeaderboardRecordPageResponse>, ApiProblem> RespondPage(Result<LeaderboardRecordPage> result) =>
        result.IsSuccess ? TypedResults.Ok(LeaderboardRecordPageResponse.From(result.Value)) : ApiProblem.From(result.Error);
}
