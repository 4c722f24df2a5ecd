using System.Text.Json;
using System.Text.Json.Nodes;
using GameBackend.Core.Common;
using GameBackend.Core.PlayerData;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Privacy.Contributors;

/// <summary>
/// Per-player storage (cloud saves, settings, server-written inventories): every object of the player, whatever its
/// permissions, since all of it is held about the player. Erasing deletes the whole storage partition, usage included.
/// </summary>
public sealed class PlayerStorageDataContributor(IDocumentStore store) : IPlayerDataContributor
{
    public string Section => "storage";

    public async Task<JsonNode?> ExportAsync(string titleId, string playerId, CancellationToken ct)
    {
        var objects = new List<StorageObjectExport>();
        await foreach (var item in PartitionItems.ReadAllAsync(store, titleId, PlayerStorageService.Partition(playerId), ct))
        {
            var slash = item.Key.SortKey.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
            {
                continue; // the usage totals: bookkeeping, not data about the player
            }

            var stored = JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.PlayerStorageObjectDocument)!;
            objects.Add(new StorageObjectExport(
                item.Key.SortKey[..slash],
                item.Key.SortKey[(slash + 1)..],
                stored.Value,
                stored.ReadPermission.ToString().ToLowerInvariant(),
                stored.WritePermission.ToString().ToLowerInvariant(),
                stored.UpdatedAt));
        }

        return objects.Count == 0 ? null : JsonSerializer.SerializeToNode(new StorageExport(objects), PrivacyExportJsonContext.Default.StorageExport);
    }

    public Task EraseAsync(string titleId, string playerId, CancellationToken ct) =>
        PartitionItems.DeleteAllAsync(store, titleId, PlayerStorageService.Partition(playerId), _ => true, ct);
}
