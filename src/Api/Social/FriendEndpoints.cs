using System.Globalization;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Common;
using GameBackend.Core.Social;
using GameBackend.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Social;

/// <summary>
/// Friends: requests, friendships and blocks of the caller. Every mutation is idempotent, so a client may simply
/// retry one whose answer it did not get. The title comes from the caller's token, so another title's player ids
/// are simply not found; a player who blocked the caller is not found either.
/// </summary>
public static class FriendEndpoints
{
    public const string Tag = "Friends";

    public static void Map(IEndpointRouteBuilder v1, PlayerAuthFilter player)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/friends").WithTags(Tag).AddEndpointFilter(player);

        group.MapGet("", List)
            .WithName("ListFriends")
            .WithSummary("One page of the caller's friends, incoming or outgoing requests, or blocked players (?state=, ?limit=1–100, ?cursor=).")
            .ProducesProblems(400, 401, 403).CommonProblems();

        group.MapPost("/{playerId}/request", Request)
            .WithName("RequestFriend")
            .WithSummary("Asks the player to be friends; if they already asked the caller, this accepts.")
            .ProducesProblems(400, 401, 403, 404, 409, 503).CommonProblems();

        group.MapPost("/{playerId}/accept", Accept)
            .WithName("AcceptFriend")
            .WithSummary("Accepts the player's friend request.")
            .ProducesProblems(400, 401, 403, 404, 409, 503).CommonProblems();

        group.MapPost("/{playerId}/decline", Decline)
            .WithName("DeclineFriend")
            .WithSummary("Declines the player's friend request (no request is a success too).")
            .ProducesProblems(400, 401, 403, 404, 503).CommonProblems();

        group.MapDelete("/{playerId}/request", Cancel)
            .WithName("CancelFriendRequest")
            .WithSummary("Withdraws the caller's friend request (no request is a success too).")
            .ProducesProblems(400, 401, 403, 404, 503).CommonProblems();

        group.MapDelete("/{playerId}", Remove)
            .WithName("RemoveFriend")
            .WithSummary("Ends the friendship and any request between the two (a block stays).")
            .ProducesProblems(400, 401, 403, 404, 503).CommonProblems();

        group.MapPut("/{playerId}/block", Block)
            .WithName("BlockPlayer")
            .WithSummary("Blocks the player: ends any friendship or request both ways and hides the caller from them.")
            .ProducesProblems(400, 401, 403, 404, 503).CommonProblems();

        group.MapDelete("/{playerId}/block", Unblock)
            .WithName("UnblockPlayer")
            .WithSummary("Lifts the caller's block of the player (no friendship comes back).")
            .ProducesProblems(400, 401, 403, 404, 503).CommonProblems();
    }

    private static async Task<Results<Ok<FriendListResponse>, ApiProblem>> List(
        HttpContext httpContext, [FromServices] FriendService friends, [FromQuery] string? state, [FromQuery] string? limit, [FromQuery] string? cursor)
    {
        var parsedState = FriendService.ParseState(state ?? "friend");
        if (!parsedState.IsSuccess)
        {
            return ApiProblem.From(parsedState.Error);
        }

        var pageSize = FriendService.DefaultPageSize;
        if (limit is not null && !int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize))
        {
            pageSize = 0; // not a number: the service's range check answers
        }

        var caller = httpContext.CallerPlayer();
        Result<FriendPage> result;
        try
        {
            result = await friends.ListAsync(caller.TitleId, caller.PlayerId, parsedState.Value, pageSize, string.IsNullOrEmpty(cursor) ? null : cursor, httpContext.RequestAborted);
        }
        catch (InvalidContinuationTokenException)
        {
            // The cursor comes from the client; a forged or foreign one is its mistake, answered here like everywhere.
            return new ApiProblem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidContinuationToken, "The cursor is not one this list handed out.");
        }

        return result.IsSuccess
            ? TypedResults.Ok(new FriendListResponse(result.Value.Items.Select(FriendResponse.From).ToArray(), result.Value.Cursor))
            : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<FriendResponse>, ApiProblem>> Request(HttpContext httpContext, string playerId, [FromServices] FriendService friends)
    {
        var caller = httpContext.CallerPlayer();
        return Edge(await friends.RequestAsync(caller.TitleId, caller.PlayerId, playerId, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<FriendResponse>, ApiProblem>> Accept(HttpContext httpContext, string playerId, [FromServices] FriendService friends)
    {
        var caller = httpContext.CallerPlayer();
        return Edge(await friends.AcceptAsync(caller.TitleId, caller.PlayerId, playerId, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<FriendResponse>, ApiProblem>> Block(HttpContext httpContext, string playerId, [FromServices] FriendService friends)
    {
        var caller = httpContext.CallerPlayer();
        return Edge(await friends.BlockAsync(caller.TitleId, caller.PlayerId, playerId, httpContext.RequestAborted));
    }

    private static async Task<Results<NoContent, ApiProblem>> Decline(HttpContext httpContext, string playerId, [FromServices] FriendService friends)
    {
        var caller = httpContext.CallerPlayer();
        return Done(await friends.DeclineAsync(caller.TitleId, caller.PlayerId, playerId, httpContext.RequestAborted));
    }

    private static async Task<Results<NoContent, ApiProblem>> Cancel(HttpContext httpContext, string playerId, [FromServices] FriendService friends)
    {
        var caller = httpContext.CallerPlayer();
        return Done(await friends.CancelAsync(caller.TitleId, caller.PlayerId, playerId, httpContext.RequestAborted));
    }

    private static async Task<Results<NoContent, ApiProblem>> Remove(HttpContext httpContext, string playerId, [FromServices] FriendService friends)
    {
        var caller = httpContext.CallerPlayer();
        return Done(await friends.RemoveAsync(caller.TitleId, caller.PlayerId, playerId, httpContext.RequestAborted));
    }

    private static async Task<Results<NoContent, ApiProblem>> Unblock(HttpContext httpContext, string playerId, [FromServices] FriendService friends)
    {
        var caller = httpContext.CallerPlayer();
        return Done(await friends.UnblockAsync(caller.TitleId, caller.PlayerId, playerId, httpContext.RequestAborted));
    }

    /// <summary>Request, accept and block always leave the caller with an edge; it is the answer.</summary>
    private static Results<Ok<FriendResponse>, ApiProblem> Edge(Result<FriendEdge?> result) =>
        !result.IsSuccess ? ApiProblem.From(result.Error)
        : result.Value is { } edge ? TypedResults.Ok(FriendResponse.From(edge))
        : new ApiProblem(StatusCodes.Status500InternalServerError, ApiErrorCodes.InternalError, "The relationship ended without an edge.");

    private static Results<NoContent, ApiProblem> Done(Result<FriendEdge?> result) =>
        result.IsSuccess ? TypedResults.NoContent() : ApiProblem.From(result.Error);
}
