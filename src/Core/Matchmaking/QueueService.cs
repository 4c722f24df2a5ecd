using System.Collections.Concurrent;
using System.Text.Json;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Matchmaking;

/// <summary>A queue with its validated rules and its stored version (the ETag of the admin API).</summary>
public sealed record QueueStatus(ValidQueue Queue, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string Version);

/// <summary>
/// Queues: per-title rule sets (admin), validated before they are stored. Each queue is also listed in a cell-wide
/// registry so a scheduled tick finds every queue of every title in one query; the registry entry is written before
/// the queue and removed after it, so a queue is never missing from it (a stale entry is skipped by the tick).
/// </summary>
public sealed class QueueService
{
    /// <summary>How long a queue is served from memory; an edit made on another host is seen within this.</summary>
    public static readonly TimeSpan CacheTimeToLive = TimeSpan.FromSeconds(5);

    /// <summary>The reserved title id of cell-wide items; no API can name it (title ids are 32 hex digits).</summary>
    internal const string CellTitleId = "cell";

    internal const string QueuePartition = "matchmaking-queues";

    private readonly IDocumentStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(string TitleId, string QueueId), (QueueStatus? Status, DateTimeOffset FetchedAt)> _cache = new();

    public QueueService(IDocumentStore store, TimeProvider time)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    /// <summary>Creates or replaces a queue. With <paramref name="ifMatch"/>, only if it is still at that version.</summary>
    public async Task<Result<QueueStatus>> PutAsync(string titleId, string queueId, QueueConfig config, string? ifMatch, CancellationToken ct = default)
    {
        var valid = MatchmakingRules.CheckQueue(queueId, config);
        if (!valid.IsSuccess)
        {
            return valid.Error;
        }

        var now = _time.GetUtcNow();
        var key = QueueKey(titleId, queueId);
        var existing = await _store.GetAsync(key, ct);
        if (ifMatch is not null && (existing is null || !string.Equals(existing.Version, ifMatch, StringComparison.Ordinal)))
        {
            return Error.Conflict(ErrorCodes.VersionConflict, "The queue is not at the version given in If-Match.");
        }

        WriteResult written;
        QueueDocument document;
        if (existing is null)
        {
            var count = await _store.QueryAsync(new Query(titleId, QueuePartition, SortKeyCondition.All, Limit: MatchmakingRules.MaxQueuesPerTitle), ct);
            if (count.Items.Count >= MatchmakingRules.MaxQueuesPerTitle)
            {
                return Error.Conflict(ErrorCodes.TooManyQueues, $"A title has at most {MatchmakingRules.MaxQueuesPerTitle} queues; delete one first.");
            }

            await RegisterAsync(titleId, queueId, ct);
            document = new QueueDocument(queueId, config, now, now);
            written = await _store.CreateAsync(new NewItem(key, Serialize(document)), ct);
        }
        else
        {
            document = new QueueDocument(queueId, config, Deserialize(existing).CreatedAt, now);
            written = await _store.ReplaceAsync(new NewItem(key, Serialize(document)), existing.Version, ct);
        }

        if (!written.Succeeded)
        {
            return Error.Conflict(ErrorCodes.VersionConflict, "The queue changed while it was being written; read it and retry.");
        }

        var status = new QueueStatus(valid.Value, document.CreatedAt, document.UpdatedAt, written.Version!);
        _cache[(titleId, queueId)] = (status, now);
        return status;
    }

    /// <summary>The queue, served from a short-lived cache (<see cref="CacheTimeToLive"/>).</summary>
    public async Task<Result<QueueStatus>> GetAsync(string titleId, string queueId, CancellationToken ct = default, bool refresh = false)
    {
        if (!MatchmakingRules.IsValidId(queueId))
        {
            return NotFound();
        }

        var now = _time.GetUtcNow();
        if (!refresh && _cache.TryGetValue((titleId, queueId), out var cached) && now - cached.FetchedAt <= CacheTimeToLive)
        {
            return cached.Status is { } hit ? hit : NotFound();
        }

        var item = await _store.GetAsync(QueueKey(titleId, queueId), ct);
        var status = item is null ? null : ToStatus(item);
        if (_cache.Count > 10_000)
        {
            _cache.Clear();
        }

        _cache[(titleId, queueId)] = (status, now);
        return status is null ? NotFound() : status;
    }

    public async Task<IReadOnlyList<QueueStatus>> ListAsync(string titleId, CancellationToken ct = default)
    {
        var page = await _store.QueryAsync(new Query(titleId, QueuePartition, SortKeyCondition.All, Limit: MatchmakingRules.MaxQueuesPerTitle), ct);
        return page.Items.Select(ToStatus).OfType<QueueStatus>().ToList();
    }

    /// <summary>
    /// Deletes the queue. Its searching tickets stop being matched (the tick no longer finds the queue) and players can
    /// queue elsewhere at once: a ticket of a deleted queue does not count as active.
    /// </summary>
    public async Task<Result<bool>> DeleteAsync(string titleId, string queueId, CancellationToken ct = default)
    {
        var key = QueueKey(titleId, queueId);
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var item = MatchmakingRules.IsValidId(queueId) ? await _store.GetAsync(key, ct) : null;
            if (item is null)
            {
                return NotFound();
            }

            if ((await _store.DeleteAsync(key, item.Version, ct)).Succeeded)
            {
                _cache.TryRemove((titleId, queueId), out _);
                if (await _store.GetAsync(RegistryKey(titleId, queueId), ct) is { } entry)
                {
                    await _store.DeleteAsync(entry.Key, entry.Version, ct);
                }

                return true;
            }
        }

        return Error.Unavailable(ErrorCodes.Contention, "The queue kept changing while it was being deleted; retry.");
    }

    /// <summary>Every (title, queue) of the cell, for the scheduled tick.</summary>
    public async IAsyncEnumerable<(string TitleId, string QueueId)> ListCellQueuesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        string? token = null;
        do
        {
            var page = await _store.QueryAsync(new Query(CellTitleId, QueuePartition, SortKeyCondition.All, Limit: Query.MaxLimit, ContinuationToken: token), ct);
            foreach (var item in page.Items)
            {
                var entry = JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.QueueRegistryDocument)!;
                yield return (entry.TitleId, entry.QueueId);
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    internal static ItemKey QueueKey(string titleId, string queueId) => new(titleId, QueuePartition, queueId);

    private static ItemKey RegistryKey(string titleId, string queueId) => new(CellTitleId, QueuePartition, titleId + "/" + queueId);

    private async Task RegisterAsync(string titleId, string queueId, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new QueueRegistryDocument(titleId, queueId), StoredDocumentJsonContext.Default.QueueRegistryDocument);
        await _store.CreateAsync(new NewItem(RegistryKey(titleId, queueId), body), ct);
    }

    private static QueueStatus? ToStatus(StoredItem item)
    {
        var document = Deserialize(item);
        var valid = MatchmakingRules.CheckQueue(document.Id, document.Config);
        return valid.IsSuccess ? new QueueStatus(valid.Value, document.CreatedAt, document.UpdatedAt, item.Version) : null;
    }

    private static Error NotFound() => Error.NotFound(ErrorCodes.QueueNotFound, "The title has no queue with this id.");

    private static byte[] Serialize(QueueDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, StoredDocumentJsonContext.Default.QueueDocument);

    private static QueueDocument Deserialize(StoredItem item) =>
        JsonSerializer.Deserialize(item.Body, StoredDocumentJsonContext.Default.QueueDocument) ?? throw new InvalidDataException($"Item {item.Key} holds no queue.");
}
