using GameBackend.Api.Admin;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Common;
using GameBackend.Core.Progression;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Progression;

/// <summary>
/// Progression: players read their own (everything) and other players' (level and achievements) and increment
/// client-writable stats; the studio's servers (X-Server-Key) configure the title, grant XP, change any stat and
/// unlock achievements. The title comes from the token or the server key, never from the route.
/// </summary>
public static class ProgressionEndpoints
{
    public const string Tag = "Progression";

    public static void Map(IEndpointRouteBuilder v1, PlayerAuthFilter player, ServerKeyFilter serverKey)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var players = v1.MapGroup("/").WithTags(Tag).AddEndpointFilter(player);

        players.MapGet("/progression", GetOwn)
            .WithName("GetProgression")
            .WithSummary("The caller's XP, level, stats, achievements and recent XP grants.")
            .ProducesProblems(401, 403, 404).CommonProblems();

        players.MapGet("/players/{playerId}/progression", GetPublic)
            .WithName("GetPlayerProgression")
            .WithSummary("Another player's level and achievements, in the caller's title.")
            .ProducesProblems(401, 403, 404).CommonProblems();

        players.MapPost("/progression/stats/{stat}/increment", IncrementOwnStat)
            .WithName("IncrementStat")
            .WithSummary("Adds to one of the caller's client-writable stats, atomically; rules may grant XP and unlock achievements.")
            .AcceptsJson<StatIncrementRequest>()
            .BodyProblems().ProducesProblems(401, 403, 404, 503).CommonProblems();

        var admin = v1.MapGroup("/admin").WithTags(Tag, AdminEndpoints.Tag).AddEndpointFilter(serverKey);

        admin.MapGet("/progression/config", GetConfig)
            .WithName("AdminGetProgressionConfig")
            .WithSummary("The title's level curve, stats and achievements; the ETag header is its version (none while it is the default).")
            .ProducesProblems(401).CommonProblems();

        admin.MapPut("/progression/config", PutConfig)
            .WithName("AdminPutProgressionConfig")
            .WithSummary("Replaces the progression config; with If-Match, only if it is still at that version.")
            .AcceptsJson<ProgressionConfigDocument>()
            .BodyProblems().ProducesProblems(401, 409).CommonProblems();

        admin.MapGet("/players/{playerId}/progression", AdminGet)
            .WithName("AdminGetProgression")
            .WithSummary("A player's whole progression.")
            .ProducesProblems(401, 404).CommonProblems();

        admin.MapPost("/players/{playerId}/progression/xp", GrantXp)
            .WithName("AdminGrantXp")
            .WithSummary("Grants XP to a player, atomically.")
            .AcceptsJson<XpGrantRequest>()
            .BodyProblems().ProducesProblems(401, 404, 503).CommonProblems();

        admin.MapPost("/players/{playerId}/progression/stats/{stat}/increment", AdminIncrementStat)
            .WithName("AdminIncrementStat")
            .WithSummary("Adds to any stat of a player, atomically; rules may grant XP and unlock achievements.")
            .AcceptsJson<StatIncrementRequest>()
            .BodyProblems().ProducesProblems(401, 404, 503).CommonProblems();

        admin.MapPost("/players/{playerId}/progression/achievements/{achievementId}/unlock", UnlockAchievement)
            .WithName("AdminUnlockAchievement")
            .WithSummary("Unlocks an achievement once; repeating it succeeds with the original unlock time.")
            .ProducesProblems(401, 404, 503).CommonProblems();
    }

    private static async Task<Results<Ok<ProgressionResponse>, ApiProblem>> GetOwn(HttpContext httpContext, [FromServices] ProgressionService progression)
    {
        var caller = httpContext.CallerPlayer();
        var result = await progression.GetAsync(caller.TitleId, caller.PlayerId, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(ProgressionResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<PublicProgressionResponse>, ApiProblem>> GetPublic(
        HttpContext httpContext, string playerId, [FromServices] ProgressionService progression)
    {
        var caller = httpContext.CallerPlayer();
        var result = await progression.GetAsync(caller.TitleId, playerId, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(PublicProgressionResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<ProgressionChangeResponse>, ApiProblem>> IncrementOwnStat(
        HttpContext httpContext, string stat, [FromServices] ProgressionService progression, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.StatIncrementRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var caller = httpContext.CallerPlayer();
        return Respond(await progression.IncrementStatAsync(caller.TitleId, caller.PlayerId, stat, request.By, ProgressionActor.Player, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<ProgressionConfigDocument>, ApiProblem>> GetConfig(HttpContext httpContext, [FromServices] ProgressionService progression)
    {
        var stored = await progression.GetConfigAsync(httpContext.CallerTitle().Id, httpContext.RequestAborted);
        return RespondConfig(httpContext, stored);
    }

    private static async Task<Results<Ok<ProgressionConfigDocument>, ApiProblem>> PutConfig(
        HttpContext httpContext, [FromServices] ProgressionService progression, [FromServices] ApiLimits limits)
    {
        if (!EntityTags.TryParseIfMatch(httpContext.Request.Headers.IfMatch, out var expectedVersion))
        {
            return new ApiProblem(400, ApiErrorCodes.InvalidIfMatch, "If-Match must be one entity tag (or *).");
        }

        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.ProgressionConfigDocument, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var result = await progression.PutConfigAsync(httpContext.CallerTitle().Id, request.ToConfig(), expectedVersion, httpContext.RequestAborted);
        return result.IsSuccess ? RespondConfig(httpContext, result.Value) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<ProgressionResponse>, ApiProblem>> AdminGet(
        HttpContext httpContext, string playerId, [FromServices] ProgressionService progression)
    {
        var result = await progression.GetAsync(httpContext.CallerTitle().Id, playerId, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(ProgressionResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<ProgressionChangeResponse>, ApiProblem>> GrantXp(
        HttpContext httpContext, string playerId, [FromServices] ProgressionService progression, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.XpGrantRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return Respond(await progression.GrantXpAsync(httpContext.CallerTitle().Id, playerId, request.Amount, request.Reason, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<ProgressionChangeResponse>, ApiProblem>> AdminIncrementStat(
        HttpContext httpContext, string playerId, string stat, [FromServices] ProgressionService progression, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.StatIncrementRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return Respond(await progression.IncrementStatAsync(
            httpContext.CallerTitle().Id, playerId, stat, request.By, ProgressionActor.Server, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<AchievementUnlockResponse>, ApiProblem>> UnlockAchievement(
        HttpContext httpContext, string playerId, string achievementId, [FromServices] ProgressionService progression)
    {
        var result = await progression.UnlockAchievementAsync(httpContext.CallerTitle().Id, playerId, achievementId, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(AchievementUnlockResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static Results<Ok<ProgressionChangeResponse>, ApiProblem> Respond(Result<ProgressionChange> result) =>
        result.IsSuccess ? TypedResults.Ok(ProgressionChangeResponse.From(result.Value)) : ApiProblem.From(result.Error);

    private static Ok<ProgressionConfigDocument> RespondConfig(HttpContext httpContext, StoredProgressionConfig stored)
    {
        if (stored.Version is { } version)
        {
            httpContext.Response.Headers.ETag = EntityTags.Format(version);
        }

        return TypedResults.Ok(ProgressionConfigDocument.From(stored.Config));
    }
}
