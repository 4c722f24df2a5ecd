namespace GameBackend.Core.Moderation;

/// <summary>
/// A report as stored. The same document lives at the per-player index (title, "reports/player/{reportedId}",
/// "{reportId}"), the source of truth, and at one queue: (title, "reports/open", "{reportId}") while open, then
/// (title, "reports/resolved", "{reportId}"). The reporter's claim item holds a copy too, so a repeated report can
/// repair a filing that crashed half-way.
/// </summary>
internal sealed record ReportDocument(
    string ReportId,
    string? ReporterId,
    string ReportedPlayerId,
    ReportCategory Category,
    string? Comment,
    DateTimeOffset CreatedAt,
    ReportResolutionDocument? Resolution)
{
    public Report ToReport() => new(
        ReportId,
        ReporterId,
        ReportedPlayerId,
        Category,
        Comment,
        CreatedAt,
        Resolution is { } r ? new ReportResolution(r.Action, r.ResolvedAt, r.BanUntil, r.Note) : null);
}

internal sealed record ReportResolutionDocument(ReportAction Action, DateTimeOffset ResolvedAt, DateTimeOffset? BanUntil, string? Note);

/// <summary>
/// "The reporter made this report" at (title, "player/{reporterId}/reports", "made/{reportId}"), so the reporter's
/// reports can be exported and anonymized when their data is erased.
/// </summary>
internal sealed record MadeReportDocument(string ReportedPlayerId, DateTimeOffset CreatedAt);

/// <summary>
/// How many reports the reporter filed on one UTC day, at (title, "player/{reporterId}/reports", "day/{yyyyMMdd}");
/// written in the same transaction as the claim, so concurrent reports cannot pass the daily cap. Expires.
/// </summary>
internal sealed record ReportDayCountDocument(int Count);
