using System.Text.Json;
using System.Text.Json.Nodes;
using GameBackend.Core.Moderation;

namespace GameBackend.Core.Privacy.Contributors;

/// <summary>
/// Reports the player filed and reports about them. Erasing keeps the reports, because they are evidence about other
/// players' conduct and the record of moderation decisions, but cuts the erased player out of them:
/// <list type="bullet">
/// <item>reports the player filed lose the reporter id and the comment (their own words) in every copy;</item>
/// <item>reports about the player stay in their per-player list, which after the erasure names an id nothing else
/// links to; open ones leave the moderators' queue, dismissed, since no one is left to act on.</item>
/// </list>
/// </summary>
public sealed class ModerationDataContributor(ReportService reports) : IPlayerDataContributor
{
    /// <summary>The note on open reports closed because the reported player was erased.</summary>
    public const string ErasedNote = "The reported player's data was erased.";

    public string Section => "reports";

    public async Task<JsonNode?> ExportAsync(string titleId, string playerId, CancellationToken ct)
    {
        var filed = (await reports.ListMadeByAsync(titleId, playerId, ct))
            .Select(r => new FiledReportExport(r.ReportId, r.ReportedPlayerId, ReportService.FormatCategory(r.Category), r.Comment, StatusOf(r), r.CreatedAt))
            .ToArray();
        var received = (await reports.ListAllAboutAsync(titleId, playerId, ct))
            .Select(r => new ReceivedReportExport(r.ReportId, ReportService.FormatCategory(r.Category), StatusOf(r), r.CreatedAt,
                r.Resolution is { } resolution ? ReportService.FormatAction(resolution.Action) : null, r.Resolution?.BanUntil))
            .ToArray();
        return JsonSerializer.SerializeToNode(new ReportsExport(filed, received), PrivacyExportJsonContext.Default.ReportsExport);
    }

    public async Task EraseAsync(string titleId, string playerId, CancellationToken ct)
    {
        await reports.AnonymizeReporterAsync(titleId, playerId, ct);
        await reports.CloseOpenReportsAboutAsync(titleId, playerId, ErasedNote, ct);
    }

    private static string StatusOf(Report report) => report.IsOpen ? "open" : "resolved";
}
