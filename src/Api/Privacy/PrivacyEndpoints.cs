using GameBackend.Api.Infrastructure;
using GameBackend.Core.Common;
using GameBackend.Core.Privacy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Privacy;

/// <summary>
/// GDPR: a player exports or deletes their own data (bearer); the studio does the same for any player of its title
/// (X-Server-Key), for requests that reach it by other channels (support tickets, legal requests).
/// </summary>
public static class PrivacyEndpoints
{
    public const string Tag = "Privacy";

    public static void Map(IEndpointRouteBuilder v1, PlayerAuthFilter player, ServerKeyFilter serverKey)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var account = v1.MapGroup("/account").WithTags(Tag).AddEndpointFilter(player);
        account.MapGet("/export", ExportOwnData)
            .WithName("ExportAccount")
            .WithSummary("Everything the backend holds about the caller, as one JSON document.")
            .ProducesProblems(401, 403).CommonProblems();

        account.MapDelete("", DeleteOwnAccount)
            .WithName("DeleteAccount")
            .WithSummary("Erases the caller's data for good (body {\"confirm\":\"DELETE\"}); every token of the caller stops working.")
            .AcceptsJson<DeleteAccountRequest>()
            .BodyProblems().ProducesProblems(401, 403, 503).CommonProblems();

        var admin = v1.MapGroup("/admin/players").WithTags(Tag).AddEndpointFilter(serverKey);
        admin.MapGet("/{playerId}/export", ExportPlayerData)
            .WithName("AdminExportPlayer")
            .WithSummary("Everything the backend holds about the player, as one JSON document.")
            .ProducesProblems(401, 404).CommonProblems();

        admin.MapDelete("/{playerId}", DeletePlayer)
            .WithName("AdminDeletePlayer")
            .WithSummary("Erases the player's data for good; repeating it is harmless and cleans up again.")
            .ProducesProblems(401, 404, 503).CommonProblems();
    }

    private static async Task<Results<Ok<PlayerExportResponse>, ApiProblem>> ExportOwnData(HttpContext httpContext, [FromServices] PlayerPrivacyService privacy)
    {
        var caller = httpContext.CallerPlayer();
        return Export(httpContext, await privacy.ExportAsync(caller.TitleId, caller.PlayerId, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<PlayerExportResponse>, ApiProblem>> ExportPlayerData(HttpContext httpContext, string playerId, [FromServices] PlayerPrivacyService privacy) =>
        Export(httpContext, await privacy.ExportAsync(httpContext.CallerTitle().Id, playerId, httpContext.RequestAborted));

    private static async Task<Results<Ok<PlayerErasureResponse>, ApiProblem>> DeleteOwnAccount(
        HttpContext httpContext, [FromServices] PlayerPrivacyService privacy, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.DeleteAccountRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        if (!string.Equals(request.Confirm, DeleteAccountRequest.ConfirmationWord, StringComparison.Ordinal))
        {
            return new ApiProblem(StatusCodes.Status400BadRequest, ApiErrorCodes.DeletionNotConfirmed, "Confirm the deletion with the body {\"confirm\":\"DELETE\"}.");
        }

        var caller = httpContext.CallerPlayer();
        return Erased(await privacy.EraseAsync(caller.TitleId, caller.PlayerId, httpContext.RequestAborted));
    }

    private static async Task<Results<Ok<PlayerErasureResponse>, ApiProblem>> DeletePlayer(HttpContext httpContext, string playerId, [FromServices] PlayerPrivacyService privacy) =>
        Erased(await privacy.EraseAsync(httpContext.CallerTitle().Id, playerId, httpContext.RequestAborted));

    private static Results<Ok<PlayerExportResponse>, ApiProblem> Export(HttpContext httpContext, Result<PlayerExport> result)
    {
        if (!result.IsSuccess)
        {
            return ApiProblem.From(result.Error);
        }

        // Personal data: never cached on the way, and saved as a file when opened in a browser.
        var headers = httpContext.Response.Headers;
        headers.CacheControl = "no-store";
        headers.ContentDisposition = $"attachment; filename=\"player-{result.Value.PlayerId}.json\"";
        return TypedResults.Ok(PlayerExportResponse.From(result.Value));
    }

    private static Results<Ok<PlayerErasureResponse>, ApiProblem> Erased(Result<PlayerErasure> result) =>
        result.IsSuccess ? TypedResults.Ok(PlayerErasureResponse.From(result.Value)) : ApiProblem.From(result.Error);
}
