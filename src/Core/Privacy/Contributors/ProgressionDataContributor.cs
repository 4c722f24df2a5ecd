using System.Text.Json;
using System.Text.Json.Nodes;
using GameBackend.Core.Common;
using GameBackend.Core.Progression;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Privacy.Contributors;

/// <summary>
/// Progression as stored: total XP, stat values, unlocked achievements and the recent XP grants. Levels and stat
/// defaults are derived from the title's config, not held about the player, so they are not part of the export.
/// </summary>
public sealed class ProgressionDataContributor(IDocumentStore store) : IPlayerDataContributor
{
    public string Section => "progression";

    public async Task<JsonNode?> ExportAsync(string titleId, string playerId, CancellationToken ct)
    {
        var item = await store.GetAsync(ProgressionService.ProgressionKey(titleId, playerId), ct);
        if (item is null)
        {
            return null;
        }

        var progression = JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.PlayerProgressionDocument)!;
        var export = new ProgressionExport(
            progression.Xp,
            progression.Stats,
            progression.Achievements,
            progression.RecentXpGrants.Select(g => new XpGrantExport(g.Amount, g.Source.ToString().ToLowerInvariant(), g.Detail, g.GrantedAt)).ToArray(),
            progression.UpdatedAt);
        return JsonSerializer.SerializeToNode(export, PrivacyExportJsonContext.Default.ProgressionExport);
    }

    public async Task EraseAsync(string titleId, string playerId, CancellationToken ct)
    {
        var key = ProgressionService.ProgressionKey(titleId, playerId);
        if (await store.GetAsync(key, ct) is { } item)
        {
            await store.DeleteAsync(key, item.Version, ct);
        }
    }
}
