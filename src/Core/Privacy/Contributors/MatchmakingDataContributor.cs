using System.Text.Json;
using System.Text.Json.Nodes;
using GameBackend.Core.Common;
using GameBackend.Core.Matchmaking;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Privacy.Contributors;

/// <summary>Matchmaking as stored about the player: ratings (one per rating key) and the pointer to their latest ticket.</summary>
public sealed class MatchmakingDataContributor(IDocumentStore store, PlayerRatings ratings) : IPlayerDataContributor
{
    public string Section => "matchmaking";

    public async Task<JsonNode?> ExportAsync(string titleId, string playerId, CancellationToken ct)
    {
        var held = await ratings.ListAsync(titleId, playerId, ct);
        var pointer = await store.GetAsync(MatchmakingKeys.ActiveTicket(titleId, playerId), ct);
        if (held.Count == 0 && pointer is null)
        {
            return null;
        }

        LatestTicketExport? latest = null;
        if (pointer is not null)
        {
            var active = JsonSerializer.Deserialize(pointer.Body, StoredDocumentJsonContext.Default.ActiveTicketDocument)!;
            latest = new LatestTicketExport(active.QueueId, active.TicketId);
        }

        var export = new MatchmakingExport(
            held.Select(r => r.System == RatingSystem.Glicko2
                ? new RatingExport(r.Key, "glicko2", r.Value.Rating, r.Value.Deviation, r.Value.Volatility, null, null, r.Games, r.LastPlayedAt)
                : new RatingExport(r.Key, "openskill", null, null, null, r.Value.Mu, r.Value.Sigma, r.Games, r.LastPlayedAt)).ToList(),
            latest);
        return JsonSerializer.SerializeToNode(export, PrivacyExportJsonContext.Default.MatchmakingExport);
    }

    public async Task EraseAsync(string titleId, string playerId, CancellationToken ct)
    {
        foreach (var rating in await ratings.ListAsync(titleId, playerId, ct))
        {
            var key = PlayerRatings.RatingKey(titleId, playerId, rating.Key);
            if (await store.GetAsync(key, ct) is { } item)
            {
                await store.DeleteAsync(key, item.Version, ct);
            }
        }

        var pointerKey = MatchmakingKeys.ActiveTicket(titleId, playerId);
        if (await store.GetAsync(pointerKey, ct) is { } pointer)
        {
            await store.DeleteAsync(pointerKey, pointer.Version, ct);
        }
    }
}
