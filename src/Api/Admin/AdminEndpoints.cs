using GameBackend.Api.Infrastructure;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Admin;

/// <summary>
/// The studio's servers and tools (X-Server-Key): player enforcement, custom-id linking, key rotation and
/// title settings. The title is the one the server key belongs to; player ids of other titles are not found.
/// </summary>
public static class AdminEndpoints
{
    public const string Tag = "Admin";

    public static void Map(IEndpointRouteBuilder v1, ServerKeyFilter serverKey)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var admin = v1.MapGroup("/admin").WithTags(Tag).AddEndpointFilter(serverKey);

        admin.MapGet("/players/{playerId}", GetPlayer)
            .WithName("AdminGetPlayer")
            .WithSummary("A player's account with its enforcement state.")
            .ProducesProblems(401, 404).CommonProblems();

        admin.MapPost("/players/{playerId}/disable", DisablePlayer)
            .WithName("AdminDisablePlayer")
            .WithSummary("Disables the account and revokes every session.")
            .ProducesProblems(401, 404, 409).CommonProblems();

        admin.MapPost("/players/{playerId}/enable", EnablePlayer)
            .WithName("AdminEnablePlayer")
            .WithSummary("Re-enables a disabled account.")
            .ProducesProblems(401, 404, 409).CommonProblems();

        admin.MapPut("/players/{playerId}/ban", BanPlayer)
            .WithName("AdminBanPlayer")
            .WithSummary("Bans the player until a time.")
            .AcceptsJson<BanRequest>()
            .BodyProblems().ProducesProblems(401, 404, 409).CommonProblems();

        admin.MapDelete("/players/{playerId}/ban", LiftBan)
            .WithName("AdminLiftBan")
            .WithSummary("Lifts the player's ban.")
            .ProducesProblems(401, 404, 409).CommonProblems();

        admin.MapPost("/players/{playerId}/link/custom", LinkCustomId)
            .WithName("AdminLinkCustomId")
            .WithSummary("Links one of the studio's own ids to the player.")
            .AcceptsJson<LinkCustomIdRequest>()
            .BodyProblems().ProducesProblems(401, 404, 409).CommonProblems();

        admin.MapPost("/keys/server/rotate", RotateServerKey)
            .WithName("AdminRotateServerKey")
            .WithSummary("Makes a new server key (shown only in this response); the old one stops working.")
            .ProducesProblems(401, 409).CommonProblems();

        admin.MapPost("/keys/signing/rotate", RotateSigningKey)
            .WithName("AdminRotateSigningKey")
            .WithSummary("Adds a signing key that signs from now on; tokens signed by older keys keep working.")
            .ProducesProblems(401, 409).CommonProblems();

        admin.MapGet("/title/settings", GetSettings)
            .WithName("AdminGetTitleSettings")
            .WithSummary("The title's settings.")
            .ProducesProblems(401).CommonProblems();

        admin.MapPut("/title/settings", PutSettings)
            .WithName("AdminPutTitleSettings")
            .WithSummary("Replaces the title's settings.")
            .AcceptsJson<TitleSettingsDocument>()
            .BodyProblems().ProducesProblems(401, 409).CommonProblems();
    }

    private static async Task<Results<Ok<AdminPlayerResponse>, ApiProblem>> GetPlayer(HttpContext httpContext, string playerId, [FromServices] AccountService accounts) =>
        Respond(await accounts.GetAccountAsync(httpContext.CallerTitle().Id, playerId, httpContext.RequestAborted));

    private static async Task<Results<Ok<AdminPlayerResponse>, ApiProblem>> DisablePlayer(HttpContext httpContext, string playerId, [FromServices] AccountService accounts) =>
        Respond(await accounts.SetDisabledAsync(httpContext.CallerTitle().Id, playerId, true, httpContext.RequestAborted));

    private static async Task<Results<Ok<AdminPlayerResponse>, ApiProblem>> EnablePlayer(HttpContext httpContext, string playerId, [FromServices] AccountService accounts) =>
        Respond(await accounts.SetDisabledAsync(httpContext.CallerTitle().Id, playerId, false, httpContext.RequestAborted));

    private static async Task<Results<Ok<AdminPlayerResponse>, ApiProblem>> BanPlayer(
        HttpContext httpContext, string playerId, [FromServices] AccountService accounts, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.BanRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return Respond(await accounts.BanAsync(httpContext.CallerTitle().Id, playerId, request.Until, request.Reason, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<AdminPlayerResponse>, ApiProblem>> LiftBan(HttpContext httpContext, string playerId, [FromServices] AccountService accounts) =>
        Respond(await accounts.BanAsync(httpContext.CallerTitle().Id, playerId, null, null, httpContext.RequestAborted));

    private static async Task<Results<Ok<AdminPlayerResponse>, ApiProblem>> LinkCustomId(
        HttpContext httpContext, string playerId, [FromServices] AccountService accounts, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.LinkCustomIdRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        return Respond(await accounts.LinkCustomIdAsync(httpContext.CallerTitle().Id, playerId, request.CustomId, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<ServerKeyResponse>, ApiProblem>> RotateServerKey(HttpContext httpContext, [FromServices] TitleService titles)
    {
        var result = await titles.RotateServerKeyAsync(httpContext.CallerTitle().Id, httpContext.RequestAborted);
        if (!result.IsSuccess)
        {
            return ApiProblem.From(result.Error);
        }

        httpContext.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new ServerKeyResponse(result.Value.ServerKey));
    }

    private static async Task<Results<Ok<SigningKeyResponse>, ApiProblem>> RotateSigningKey(HttpContext httpContext, [FromServices] TitleService titles)
    {
        var result = await titles.RotateSigningKeyAsync(httpContext.CallerTitle().Id, httpContext.RequestAborted);
        if (!result.IsSuccess)
        {
            return ApiProblem.From(result.Error);
        }

        var newest = result.Value.CurrentSigningKey;
        return newest is null
            ? new ApiProblem(500, ApiErrorCodes.InternalError, "The title has no active signing key.")
            : TypedResults.Ok(new SigningKeyResponse(newest.KeyId, newest.CreatedAt));
    }

    private static async Task<Results<Ok<TitleSettingsDocument>, ApiProblem>> GetSettings(HttpContext httpContext, [FromServices] TitleService titles)
    {
        // The filter's title may come from a brief cache; an admin reading settings wants the stored ones.
        var title = await titles.FindAsync(httpContext.CallerTitle().Id, true, httpContext.RequestAborted);
        return title is null
            ? new ApiProblem(404, ErrorCodes.TitleNotFound, "The title no longer exists.")
            : TypedResults.Ok(TitleSettingsDocument.From(title.Settings));
    }

    private static async Task<Results<Ok<TitleSettingsDocument>, ApiProblem>> PutSettings(
        HttpContext httpContext, [FromServices] TitleService titles, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.TitleSettingsDocument, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var result = await titles.UpdateSettingsAsync(httpContext.CallerTitle().Id, request.ToSettings(), httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(TitleSettingsDocument.From(result.Value.Settings)) : ApiProblem.From(result.Error);
    }

    private static Results<Ok<AdminPlayerResponse>, ApiProblem> Respond(Result<Account> result) =>
        result.IsSuccess ? TypedResults.Ok(AdminPlayerResponse.From(result.Value)) : ApiProblem.From(result.Error);
}
