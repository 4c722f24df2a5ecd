using System.Text.Json.Serialization;
using GameBackend.Core.Moderation;

namespace GameBackend.Api.Moderation;

public sealed record FileReportRequest
{
    [JsonRequired]
    public required string ReportedPlayerId { get; init; }

    /// <summary>"cheating", "harassment", "offensive_name", "spam" or "other".</summary>
    [JsonRequired]
    public required string Category { get; init; }

    /// <summary>At most 500 characters; optional.</summary>
    public string? Comment { get; init; }
}

/// <summary>
/// A report as its reporter sees it: what they filed and whether it is still "open" or "resolved". How it was
/// resolved is the moderators' business, so it is not shown.
/// </summary>
public sealed record PlayerReportResponse(string ReportId, string ReportedPlayerId, string Category, string? Comment, string Status, DateTimeOffset CreatedAt)
{
    public static PlayerReportResponse From(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new(report.ReportId, report.ReportedPlayerId, ReportService.FormatCategory(report.Category), report.Comment, StatusOf(report), report.CreatedAt);
    }

    internal static string StatusOf(Report report) => report.IsOpen ? "open" : "resolved";
}

public sealed record ResolveReportRequest
{
    /// <summary>"dismiss" or "ban".</summary>
    [JsonRequired]
    public required string Action { get; init; }

    /// <summary>Required with "ban" (a time in the future), absent with "dismiss".</summary>
    public DateTimeOffset? BanUntil { get; init; }

    /// <summary>At most 256 characters; with "ban" it becomes the ban reason.</summary>
    public string? Note { get; init; }
}

public sealed record ReportResolutionResponse(string Action, DateTimeOffset ResolvedAt, DateTimeOffset? BanUntil, string? Note);

/// <summary>A report as moderators see it. <see cref="ReporterId"/> and <see cref="Comment"/> are null once the reporter's data was erased.</summary>
public sealed record AdminReportResponse(
    string ReportId,
    string? ReporterId,
    string ReportedPlayerId,
    string Category,
    string? Comment,
    string Status,
    DateTimeOffset CreatedAt,
    ReportResolutionResponse? Resolution)
{
    public static AdminReportResponse From(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var resolution = report.Resolution is { } r
            ? new ReportResolutionResponse(ReportService.FormatAction(r.Action), r.ResolvedAt, r.BanUntil, r.Note)
            : null;
        return new(report.ReportId, report.ReporterId, report.ReportedPlayerId, ReportService.FormatCategory(report.Category), report.Comment,
            PlayerReportResponse.StatusOf(report), report.CreatedAt, resolution);
    }
}

/// <summary>A page of reports, newest first; pass <see cref="Cursor"/> back to read the next page (null on the last).</summary>
public sealed record AdminReportPageResponse(IReadOnlyList<AdminReportResponse> Items, string? Cursor);
