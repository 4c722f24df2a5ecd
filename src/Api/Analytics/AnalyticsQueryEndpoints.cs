using System.Diagnostics.CodeAnalysis;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Analytics;
using GameBackend.Core.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Analytics;

/// <summary>
/// The studio's view of its rollups (X-Server-Key): per day, per hour of one day, retention per cohort. The title is
/// the server key's, and the queries read only that title's rollups.
/// </summary>
public static class AnalyticsQueryEndpoints
{
    public const string Tag = "Analytics";

    public static void Map(IEndpointRouteBuilder v1, ServerKeyFilter serverKey)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var analytics = v1.MapGroup("/admin/analytics").WithTags(Tag).AddEndpointFilter(serverKey);

        analytics.MapGet("/days", GetDays)
            .WithName("AnalyticsDays")
            .WithSummary("Per day from 'from' to 'to' (yyyy-MM-dd, at most 92 days): DAU, WAU, MAU, new players, sessions, matches, events, peak CCU.")
            .ProducesProblems(400, 401).CommonProblems();

        analytics.MapGet("/hours", GetHours)
            .WithName("AnalyticsHours")
            .WithSummary("One day ('date', yyyy-MM-dd) by UTC hour, with concurrent users per five-minute slot.")
            .ProducesProblems(400, 401).CommonProblems();

        analytics.MapGet("/retention", GetRetention)
            .WithName("AnalyticsRetention")
            .WithSummary("Per cohort day from 'from' to 'to' (at most 92 days): cohort size and D1, D7, D30 retention.")
            .ProducesProblems(400, 401).CommonProblems();
    }

    private static async Task<Results<Ok<AnalyticsDaysResponse>, ApiProblem>> GetDays(
        HttpContext httpContext, [FromQuery] string? from, [FromQuery] string? to, [FromServices] AnalyticsQueries queries)
    {
        if (!TryParseRange(from, to, out var first, out var last, out var problem))
        {
            return problem;
        }

        var days = await queries.GetDaysAsync(httpContext.CallerTitle().Id, first, last, httpContext.RequestAborted);
        return days.IsSuccess
            ? TypedResults.Ok(new AnalyticsDaysResponse(first, last, days.Value.Select(AnalyticsDayResponse.From).ToList()))
            : ApiProblem.From(days.Error);
    }

    private static async Task<Results<Ok<AnalyticsHoursResponse>, ApiProblem>> GetHours(
        HttpContext httpContext, [FromQuery] string? date, [FromServices] AnalyticsQueries queries)
    {
        if (AnalyticsQueries.ParseDate(date) is not { } day)
        {
            return InvalidDate("date");
        }

        var hours = await queries.GetHoursAsync(httpContext.CallerTitle().Id, day, httpContext.RequestAborted);
        return TypedResults.Ok(new AnalyticsHoursResponse(
            hours.Date,
            hours.Hours.Select(h => new AnalyticsHourResponse(h.Hour, h.Events, h.Matches, h.SessionsStarted, h.SessionsEnded, h.PeakCcu)).ToList(),
            AnalyticsQueries.CcuSlotSeconds,
            hours.Ccu));
    }

    private static async Task<Results<Ok<AnalyticsRetentionResponse>, ApiProblem>> GetRetention(
        HttpContext httpContext, [FromQuery] string? from, [FromQuery] string? to, [FromServices] AnalyticsQueries queries)
    {
        if (!TryParseRange(from, to, out var first, out var last, out var problem))
        {
            return problem;
        }

        var cohorts = await queries.GetRetentionAsync(httpContext.CallerTitle().Id, first, last, httpContext.RequestAborted);
        return cohorts.IsSuccess
            ? TypedResults.Ok(new AnalyticsRetentionResponse(first, last, cohorts.Value.Select(AnalyticsCohortResponse.From).ToList()))
            : ApiProblem.From(cohorts.Error);
    }

    private static bool TryParseRange(string? from, string? to, out DateOnly first, out DateOnly last, [NotNullWhen(false)] out ApiProblem? problem)
    {
        (first, last, problem) = (default, default, null);
        if (AnalyticsQueries.ParseDate(from) is not { } parsedFrom)
        {
            problem = InvalidDate("from");
            return false;
        }

        if (AnalyticsQueries.ParseDate(to) is not { } parsedTo)
        {
            problem = InvalidDate("to");
            return false;
        }

        (first, last) = (parsedFrom, parsedTo);
        return true;
    }

    private static ApiProblem InvalidDate(string parameter) => new(
        StatusCodes.Status400BadRequest,
        ErrorCodes.InvalidAnalyticsDate,
        $"'{parameter}' must be a date yyyy-MM-dd between {AnalyticsQueries.MinDate:yyyy-MM-dd} and {AnalyticsQueries.MaxDate:yyyy-MM-dd}.",
        new Dictionary<string, string> { ["parameter"] = parameter });
}
