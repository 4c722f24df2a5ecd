using System.Text.Json;
using System.Text.Json.Nodes;
using GameBackend.Core.Common;
using GameBackend.Core.Social;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Privacy.Contributors;

/// <summary>
/// The player's side of every relationship: friends, requests both ways, and the players they blocked. Erasing removes
/// the player from the other side too (the other player's friend, request and list entries naming them), then the
/// player's own side, so no friend list of the title shows them any more.
/// </summary>
/// <remarks>
/// A block another player placed on the erased player is that other player's own data and is kept: blocking leaves no
/// trace on the blocked player's side (by design, so a block cannot be detected), so the erasure cannot find it, and it
/// names an id that no longer resolves to anyone.
/// </remarks>
public sealed class FriendDataContributor(IDocumentStore store) : IPlayerDataContributor
{
    private const string EdgePrefix = "edge/";
    private const int MaxWriteAttempts = 8;

    public string Section => "friends";

    public async Task<JsonNode?> ExportAsync(string titleId, string playerId, CancellationToken ct)
    {
        var edges = new List<FriendExport>();
        await foreach (var (otherId, edge, _) in ReadEdgesAsync(titleId, playerId, ct))
        {
            edges.Add(new FriendExport(otherId, FriendService.FormatState(edge.State), edge.Since));
        }

        return edges.Count == 0 ? null : JsonSerializer.SerializeToNode(new FriendsExport(edges), PrivacyExportJsonContext.Default.FriendsExport);
    }

    public async Task EraseAsync(string titleId, string playerId, CancellationToken ct)
    {
        var others = new List<string>();
        await foreach (var (otherId, _, _) in ReadEdgesAsync(titleId, playerId, ct))
        {
            others.Add(otherId);
        }

        // The other sides first: while the player's own edge exists, a re-run after a crash still finds the pair.
        foreach (var otherId in others)
        {
            await DeleteSideAsync(titleId, otherId, playerId, keepBlock: true, ct);
        }

        await PartitionItems.DeleteAllAsync(store, titleId, FriendService.Partition(playerId), _ => true, ct);
    }

    /// <summary>Deletes <paramref name="ownerId"/>'s edge to <paramref name="otherId"/> with its list entry, in one transaction of the owner's partition.</summary>
    private async Task DeleteSideAsync(string titleId, string ownerId, string otherId, bool keepBlock, CancellationToken ct)
    {
        var edgeKey = FriendService.EdgeKey(titleId, ownerId, otherId);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var item = await store.GetAsync(edgeKey, ct);
            if (item is null)
            {
                return;
            }

            var edge = JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.FriendEdgeDocument)!;
            if (keepBlock && edge.State == FriendState.Blocked)
            {
                return;
            }

            var operations = new List<TransactionOperation> { new TransactionOperation.Delete(edgeKey, item.Version) };
            var entryKey = edgeKey with { SortKey = FriendService.FormatState(edge.State) + "/" + otherId };
            if (await store.GetAsync(entryKey, ct) is { } entry)
            {
                operations.Add(new TransactionOperation.Delete(entryKey, entry.Version));
            }

            if ((await store.TransactAsync(new Transaction(operations), ct)).Committed)
            {
                return;
            }
        }

        throw new InvalidOperationException($"The friend edge {edgeKey} kept changing while it was being erased.");
    }

    private async IAsyncEnumerable<(string OtherId, FriendEdgeDocument Edge, StoredItem Item)> ReadEdgesAsync(
        string titleId, string playerId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var item in PartitionItems.ReadAllAsync(store, titleId, FriendService.Partition(playerId), ct))
        {
            if (item.Key.SortKey.StartsWith(EdgePrefix, StringComparison.Ordinal))
            {
                yield return (item.Key.SortKey[EdgePrefix.Length..], JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.FriendEdgeDocument)!, item);
            }
        }
    }
}
