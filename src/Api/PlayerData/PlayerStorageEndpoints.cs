using System.Globalization;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Common;
using GameBackend.Core.PlayerData;
using GameBackend.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.PlayerData;

/// <summary>
/// Per-player storage: the caller's own objects (bearer), other players' public objects (bearer), and any
/// player's objects for the studio's servers (X-Server-Key), who alone may make objects server-only. The title
/// always comes from the credentials, never from the route, so another title's player ids are not found.
/// Versions travel as entity tags: If-Match for a conditional write or delete, If-None-Match: * for create-only.
/// </summary>
public static class PlayerStorageEndpoints
{
    public const string Tag = "PlayerStorage";

    public static void Map(IEndpointRouteBuilder v1, PlayerAuthFilter player, ServerKeyFilter serverKey)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var own = v1.MapGroup("/storage").WithTags(Tag).AddEndpointFilter(player);

        own.MapGet("/{collection}", ListOwn)
            .WithName("ListStorageObjects")
            .WithSummary("The caller's objects of a collection in key order, a page at a time (?limit=1–100, ?cursor=).")
            .ProducesProblems(400, 401, 403).CommonProblems();

        own.MapGet("/{collection}/{key}", GetOwn)
            .WithName("GetStorageObject")
            .WithSummary("One of the caller's objects; the ETag header is its version.")
            .ProducesProblems(400, 401, 403, 404).CommonProblems();

        own.MapPut("/{collection}/{key}", PutOwn)
            .WithName("PutStorageObject")
            .WithSummary("Writes one of the caller's objects: If-None-Match: * creates only, If-Match replaces only that version, neither overwrites.")
            .AcceptsJson<PutStorageObjectRequest>()
            .BodyProblems().ProducesProblems(401, 403, 404, 409, 503).CommonProblems();

        own.MapDelete("/{collection}/{key}", DeleteOwn)
            .WithName("DeleteStorageObject")
            .WithSummary("Deletes one of the caller's objects (with If-Match, only at that version) and frees its quota.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(400, 401, 403, 404, 409, 503).CommonProblems();

        var others = v1.MapGroup("/players/{playerId}/storage").WithTags(Tag).AddEndpointFilter(player);

        others.MapGet("/{collection}", ListPlayer)
            .WithName("ListPlayerStorageObjects")
            .WithSummary("Another player's public objects of a collection; a page may hold fewer than the limit and still have a cursor.")
            .ProducesProblems(400, 401, 403, 404).CommonProblems();

        others.MapGet("/{collection}/{key}", GetPlayer)
            .WithName("GetPlayerStorageObject")
            .WithSummary("Another player's public object; a private one is not found.")
            .ProducesProblems(400, 401, 403, 404).CommonProblems();

        var admin = v1.MapGroup("/admin/players/{playerId}/storage").WithTags(Tag).AddEndpointFilter(serverKey);

        admin.MapGet("/{collection}/{key}", AdminGet)
            .WithName("AdminGetStorageObject")
            .WithSummary("Any object of a player, whatever its permissions.")
            .ProducesProblems(400, 401, 404).CommonProblems();

        admin.MapPut("/{collection}/{key}", AdminPut)
            .WithName("AdminPutStorageObject")
            .WithSummary("Writes any object of a player, and may make it server-only (writePermission \"server\").")
            .AcceptsJson<PutStorageObjectRequest>()
            .BodyProblems().ProducesProblems(401, 404, 409, 503).CommonProblems();

        admin.MapDelete("/{collection}/{key}", AdminDelete)
            .WithName("AdminDeleteStorageObject")
            .WithSummary("Deletes any object of a player (with If-Match, only at that version).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(400, 401, 404, 409, 503).CommonProblems();
    }

    private static Task<Results<Ok<StorageObjectPageResponse>, ApiProblem>> ListOwn(
        HttpContext httpContext, string collection, [FromServices] PlayerStorageService storage)
    {
        var caller = httpContext.CallerPlayer();
        return List(httpContext, storage, caller.TitleId, caller.PlayerId, collection, StorageCaller.Owner);
    }

    private static Task<Results<Ok<StorageObjectPageResponse>, ApiProblem>> ListPlayer(
        HttpContext httpContext, string playerId, string collection, [FromServices] PlayerStorageService storage) =>
        List(httpContext, storage, httpContext.CallerPlayer().TitleId, playerId, collection, StorageCaller.OtherPlayer);

    private static async Task<Results<Ok<StorageObjectResponse>, ApiProblem>> GetOwn(
        HttpContext httpContext, string collection, string key, [FromServices] PlayerStorageService storage)
    {
        var caller = httpContext.CallerPlayer();
        return Respond(httpContext, await storage.GetAsync(caller.TitleId, caller.PlayerId, collection, key, StorageCaller.Owner, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<StorageObjectResponse>, ApiProblem>> GetPlayer(
        HttpContext httpContext, string playerId, string collection, string key, [FromServices] PlayerStorageService storage) =>
        Respond(httpContext, await storage.GetAsync(httpContext.CallerPlayer().TitleId, playerId, collection, key, StorageCaller.OtherPlayer, httpContext.RequestAborted));

    private static async Task<Results<Ok<StorageObjectResponse>, ApiProblem>> AdminGet(
        HttpContext httpContext, string playerId, string collection, string key, [FromServices] PlayerStorageService storage) =>
        Respond(httpContext, await storage.GetAsync(httpContext.CallerTitle().Id, playerId, collection, key, StorageCaller.Server, httpContext.RequestAborted));

    private static Task<Results<Ok<StorageObjectResponse>, ApiProblem>> PutOwn(
        HttpContext httpContext, string collection, string key, [FromServices] PlayerStorageService storage, [FromServices] ApiLimits limits)
    {
        var caller = httpContext.CallerPlayer();
        return Put(httpContext, storage, limits, caller.TitleId, caller.PlayerId, collection, key, StorageCaller.Owner);
    }

    private static Task<Results<Ok<StorageObjectResponse>, ApiProblem>> AdminPut(
        HttpContext httpContext, string playerId, string collection, string key, [FromServices] PlayerStorageService storage, [FromServices] ApiLimits limits) =>
        Put(httpContext, storage, limits, httpContext.CallerTitle().Id, playerId, collection, key, StorageCaller.Server);

    private static Task<Results<NoContent, ApiProblem>> DeleteOwn(
        HttpContext httpContext, string collection, string key, [FromServices] PlayerStorageService storage)
    {
        var caller = httpContext.CallerPlayer();
        return Delete(httpContext, storage, caller.TitleId, caller.PlayerId, collection, key, StorageCaller.Owner);
    }

    private static Task<Results<NoContent, ApiProblem>> AdminDelete(
        HttpContext httpContext, string playerId, string collection, string key, [FromServices] PlayerStorageService storage) =>
        Delete(httpContext, storage, httpContext.CallerTitle().Id, playerId, collection, key, StorageCaller.Server);

    private static async Task<Results<Ok<StorageObjectPageResponse>, ApiProblem>> List(
        HttpContext httpContext, PlayerStorageService storage, string titleId, string playerId, string collection, StorageCaller caller)
    {
        var query = httpContext.Request.Query;
        int? limit = null;
        if (query.TryGetValue("limit", out var limitValues))
        {
            if (limitValues.Count != 1 || !int.TryParse(limitValues[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                return ApiProblem.From(Error.Validation(ErrorCodes.InvalidStoragePageLimit, $"The page limit is an integer of 1–{PlayerStorageRules.MaxPageLimit}."));
            }

            limit = parsed;
        }

        var cursorValues = query["cursor"];
        if (cursorValues.Count > 1)
        {
            return new ApiProblem(400, ApiErrorCodes.InvalidContinuationToken, "Give at most one cursor.");
        }

        Result<PlayerStoragePage> result;
        try
        {
            result = await storage.ListAsync(titleId, playerId, collection, caller, limit, cursorValues.Count == 1 ? cursorValues[0] : null, httpContext.RequestAborted);
        }
        catch (InvalidContinuationTokenException)
        {
            // The cursor came from the client; answered here so the 400 does not depend on which exception handler a host installs.
            return new ApiProblem(400, ApiErrorCodes.InvalidContinuationToken, "The cursor is not one this listing handed out.");
        }

        if (!result.IsSuccess)
        {
            return ApiProblem.From(result.Error);
        }

        var page = result.Value;
        return TypedResults.Ok(new StorageObjectPageResponse(page.Objects.Select(StorageObjectResponse.From).ToArray(), page.Cursor));
    }

    private static async Task<Results<Ok<StorageObjectResponse>, ApiProblem>> Put(
        HttpContext httpContext, PlayerStorageService storage, ApiLimits limits, string titleId, string playerId, string collection, string key, StorageCaller caller)
    {
        var headers = httpContext.Request.Headers;
        if (!EntityTags.TryParseIfMatch(headers.IfMatch, out var expectedVersion))
        {
            return new ApiProblem(400, ApiErrorCodes.InvalidIfMatch, "If-Match must be one entity tag (or *).");
        }

        var condition = expectedVersion is null ? StorageWriteCondition.None : StorageWriteCondition.IfVersion(expectedVersion);
        if (headers.IfNoneMatch.Count > 0)
        {
            if (headers.IfNoneMatch.Count != 1 || headers.IfNoneMatch[0]?.Trim() != "*" || headers.IfMatch.Count > 0)
            {
                return new ApiProblem(400, ApiErrorCodes.InvalidIfNoneMatch, "If-None-Match must be * (create only) and cannot be combined with If-Match.");
            }

            condition = StorageWriteCondition.IfAbsent;
        }

        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.PutStorageObjectRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        if (!StoragePermissionNames.TryParseRead(request.ReadPermission, out var readPermission)
            || !StoragePermissionNames.TryParseWrite(request.WritePermission, out var writePermission))
        {
            return ApiProblem.From(Error.Validation(ErrorCodes.InvalidStoragePermission,
                "readPermission is \"owner\" or \"public\"; writePermission is \"owner\" or \"server\"."));
        }

        var write = new PlayerStorageWrite(request.Value, readPermission, writePermission);
        var result = await storage.PutAsync(titleId, playerId, collection, key, write, condition, caller, httpContext.RequestAborted);
        return Respond(httpContext, result);
    }

    private static async Task<Results<NoContent, ApiProblem>> Delete(
        HttpContext httpContext, PlayerStorageService storage, string titleId, string playerId, string collection, string key, StorageCaller caller)
    {
        if (!EntityTags.TryParseIfMatch(httpContext.Request.Headers.IfMatch, out var expectedVersion))
        {
            return new ApiProblem(400, ApiErrorCodes.InvalidIfMatch, "If-Match must be one entity tag (or *).");
        }

        var result = await storage.DeleteAsync(titleId, playerId, collection, key, expectedVersion, caller, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.NoContent() : ApiProblem.From(result.Error);
    }

    private static Results<Ok<StorageObjectResponse>, ApiProblem> Respond(HttpContext httpContext, Result<PlayerStorageObject> result)
    {
        if (!result.IsSuccess)
        {
            return ApiProblem.From(result.Error);
        }

        var stored = result.Value;
        httpContext.Response.Headers.ETag = EntityTags.Format(stored.Version);
        return TypedResults.Ok(StorageObjectResponse.From(stored));
    }
}
