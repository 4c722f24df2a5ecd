namespace GameBackend.Core.Moderation;

/// <summary>Why a player reports another. A closed list, so moderators can triage and count by reason.</summary>
public enum ReportCategory
{
    Cheating,
    Harassment,
    OffensiveName,
    Spam,
    Other,
}

/// <summary>What a moderator decided about a report.</summary>
public enum ReportAction
{
    /// <summary>No action against the reported player.</summary>
    Dismiss,
    /// <summary>The reported player was banned until <see cref="ReportResolution.BanUntil"/>.</summary>
    Ban,
}

/// <summary>How a report was closed. A report without one is open and waits in the moderators' queue.</summary>
public sealed record ReportResolution(ReportAction Action, DateTimeOffset ResolvedAt, DateTimeOffset? BanUntil, string? Note);

/// <summary>
/// One player's report about another. <see cref="ReporterId"/> and <see cref="Comment"/> are null once the reporter's
/// data was erased (GDPR): the report itself stays, because it is evidence about the reported player's conduct.
/// </summary>
public sealed record Report(
    string ReportId,
    string? ReporterId,
    string ReportedPlayerId,
    ReportCategory Category,
    string? Comment,
    DateTimeOffset CreatedAt,
    ReportResolution? Resolution)
{
    public bool IsOpen => Resolution is null;
}

/// <summary>A report just filed; <see cref="Created"/> is false when the reporter already had it open (idempotent repeat).</summary>
public sealed record FiledReport(Report Report, bool Created);

/// <summary>A page of reports, newest first; <see cref="Cursor"/> is null on the last page.</summary>
public sealed record ReportPage(IReadOnlyList<Report> Items, string? Cursor);
