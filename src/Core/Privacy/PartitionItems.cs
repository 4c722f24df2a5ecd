using System.Runtime.CompilerServices;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Privacy;

/// <summary>Whole-partition reads and deletes, which erasure needs and no feature's hot path does.</summary>
internal static class PartitionItems
{
    /// <summary>Bounds a sweep of a partition that a concurrent writer keeps refilling; each round deletes a full page.</summary>
    private const int MaxDeleteRounds = 1000;

    public static async IAsyncEnumerable<StoredItem> ReadAllAsync(IDocumentStore store, string titleId, string partition, [EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = await store.QueryAsync(new Query(titleId, partition, SortKeyCondition.All, Limit: Query.MaxLimit, ContinuationToken: token), ct);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>
    /// Deletes every item of the partition that <paramref name="include"/> selects, those that <paramref name="last"/>
    /// selects after all others, until none is left. A delete that loses a race is simply retried on the next round.
    /// </summary>
    public static async Task DeleteAllAsync(IDocumentStore store, string titleId, string partition, Func<ItemKey, bool> include, CancellationToken ct, Func<ItemKey, bool>? last = null)
    {
        for (var round = 0; round < MaxDeleteRounds; round++)
        {
            var page = await store.QueryAsync(new Query(titleId, partition, SortKeyCondition.All, Limit: Query.MaxLimit), ct);
            var doomed = page.Items.Where(i => include(i.Key)).OrderBy(i => last?.Invoke(i.Key) == true ? 1 : 0).ToArray();
            if (doomed.Length == 0)
            {
                return;
            }

            foreach (var item in doomed)
            {
                await store.DeleteAsync(item.Key, item.Version, ct);
            }
        }

        throw new InvalidOperationException($"Partition {titleId}/{partition} kept refilling while it was being erased.");
    }
}
