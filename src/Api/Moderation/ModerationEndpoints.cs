using System.Globalization;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Common;
using GameBackend.Core.Moderation;
using GameBackend.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Moderation;

/// <summary>
/// Moderation: players report other players of their title (bearer); the studio's moderators (X-Server-Key) list the
/// open queue or a player's reports and resolve reports, banning through the account's existing ban. The title always
/// comes from the caller's credentials, so another title's players and reports are simply not found.
/// </summary>
public static class ModerationEndpoints
{
    public const string Tag = "Moderation";

    public static void Map(IEndpointRouteBuilder v1, PlayerAuthFilter player, ServerKeyFilter serverKey)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var reports = v1.MapGroup("/reports").WithTags(Tag).AddEndpointFilter(player);
        reports.MapPost("", FileReport)
            .WithName("FileReport")
            .WithSummary("Reports a player of the caller's title (201); repeating an open report returns it (200).")
            .AcceptsJson<FileReportRequest>()
            .BodyProblems().ProducesProblems(401, 403, 404, 503).CommonProblems();

        var admin = v1.MapGroup("/admin").WithTags(Tag).AddEndpointFilter(serverKey);
        admin.MapGet("/reports", ListOpenReports)
            .WithName("AdminListOpenReports")
            .WithSummary("The open reports, newest first (?limit=1–100, ?cursor=).")
            .ProducesProblems(400, 401).CommonProblems();

        admin.MapGet("/players/{playerId}/reports", ListPlayerReports)
            .WithName("AdminListPlayerReports")
            .WithSummary("Every report about the player, open and resolved, newest first (?limit=1–100, ?cursor=).")
            .ProducesProblems(400, 401, 404).CommonProblems();

        admin.MapPost("/reports/{reportId}/resolve", ResolveReport)
            .WithName("AdminResolveReport")
            .WithSummary("Dismisses the report, or bans the reported player until banUntil; either way it leaves the open queue.")
            .AcceptsJson<ResolveReportRequest>()
            .BodyProblems().ProducesProblems(401, 404).CommonProblems();
    }

    private static async Task<Results<Created<PlayerReportResponse>, Ok<PlayerReportResponse>, ApiProblem>> FileReport(
        HttpContext httpContext, [FromServices] ReportService moderation, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.FileReportRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var category = ReportService.ParseCategory(request.Category);
        if (!category.IsSuccess)
        {
            return ApiProblem.From(category.Error);
        }

        var caller = httpContext.CallerPlayer();
        var filed = await moderation.FileAsync(caller.TitleId, caller.PlayerId, request.ReportedPlayerId, category.Value, request.Comment, httpContext.RequestAborted);
        if (!filed.IsSuccess)
        {
            return ApiProblem.From(filed.Error);
        }

        var response = PlayerReportResponse.From(filed.Value.Report);
        return filed.Value.Created ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<AdminReportPageResponse>, ApiProblem>> ListOpenReports(
        HttpContext httpContext, [FromServices] ReportService moderation, [FromQuery] string? limit, [FromQuery] string? cursor) =>
        await PageAsync(limit, (size, ct) => moderation.ListOpenAsync(httpContext.CallerTitle().Id, size, Cursor(cursor), ct), httpContext.RequestAborted);

    private static async Task<Results<Ok<AdminReportPageResponse>, ApiProblem>> ListPlayerReports(
        HttpContext httpContext, string playerId, [FromServices] ReportService moderation, [FromQuery] string? limit, [FromQuery] string? cursor) =>
        await PageAsync(limit, (size, ct) => moderation.ListAboutPlayerAsync(httpContext.CallerTitle().Id, playerId, size, Cursor(cursor), ct), httpContext.RequestAborted);

    private static async Task<Results<Ok<AdminReportResponse>, ApiProblem>> ResolveReport(
        HttpContext httpContext, string reportId, [FromServices] ReportService moderation, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.ResolveReportRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var action = ReportService.ParseAction(request.Action);
        if (!action.IsSuccess)
        {
            return ApiProblem.From(action.Error);
        }

        var resolved = await moderation.ResolveAsync(httpContext.CallerTitle().Id, reportId, action.Value, request.BanUntil, request.Note, httpContext.RequestAborted);
        return resolved.IsSuccess ? TypedResults.Ok(AdminReportResponse.From(resolved.Value)) : ApiProblem.From(resolved.Error);
    }

    private static async Task<Results<Ok<AdminReportPageResponse>, ApiProblem>> PageAsync(
        string? limit, Func<int, CancellationToken, Task<Result<ReportPage>>> read, CancellationToken ct)
    {
        var pageSize = ReportService.DefaultPageSize;
        if (limit is not null && !int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize))
        {
            pageSize = 0; // not a number: the service's range check answers
        }

        Result<ReportPage> result;
        try
        {
            result = await read(pageSize, ct);
        }
        catch (InvalidContinuationTokenException)
        {
            return new ApiProblem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidContinuationToken, "The cursor is not one this list handed out.");
        }

        return result.IsSuccess
            ? TypedResults.Ok(new AdminReportPageResponse(result.Value.Items.Select(AdminReportResponse.From).ToArray(), result.Value.Cursor))
            : ApiProblem.From(result.Error);
    }

    private static string? Cursor(string? cursor) => string.IsNullOrEmpty(cursor) ? null : cursor;
}
