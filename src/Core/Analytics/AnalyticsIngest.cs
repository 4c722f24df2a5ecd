using System.Globalization;
using System.Text.Json;
using GameBackend.Core.Events;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Analytics;

/// <summary>
/// The analytics ingest function (<see cref="IEventRecordHandler"/>): decodes a batch of raw records, drops duplicates,
/// archives the new events (when an <see cref="IEventArchive"/> is given) and folds them into each title's day rollups.
/// </summary>
/// <remarks>
/// <para><b>Exactly once per log position.</b> Per title and per log partition one transaction writes the rollup items
/// together with a checkpoint item <c>checkpoint/{topic}/{partition}</c> holding the highest offset applied. A record at
/// or below the checkpoint is skipped, so a batch delivered again (whole, in part, or cut at other boundaries) changes
/// nothing. Records of one title and partition are applied in offset order; a transaction that would exceed
/// <see cref="Transaction.MaxOperations"/> items or <see cref="MaxTransactionBytes"/> is split into consecutive runs of
/// records, each committed with its own last offset, so a crash between runs loses and repeats nothing.</para>
/// <para><b>Duplicates by id.</b> Within a batch, an event id seen before is exact duplicate. Across batches a bounded
/// window of the ids this instance applied last (<see cref="RecentEventIds"/>) catches clients' retries of an HTTP ingest,
/// which reach the log again at new offsets but, keyed by the player, in the same partition. The window is per process:
/// a retry that reaches another consumer (after a rebalance or restart) or arrives after the window moved on is counted
/// again.</para>
/// <para><b>Concurrency.</b> Consumers of other partitions update the same day items; a version conflict re-reads and
/// re-applies, up to <see cref="MaxAttempts"/> times, then throws so the caller does not commit its offsets.</para>
/// <para><b>Window.</b> Events dated more than <see cref="MaxAge"/> before processing (or more than
/// <see cref="MaxAhead"/> after) are not rolled up; they are counted as late (future) on the processing day. That bounds
/// the items a transaction touches to the days from today −65 (a 30-day cohort of a 35-day-old event) to today +1.</para>
/// </remarks>
public sealed class AnalyticsIngest : IEventRecordHandler
{
    /// <summary>Events older than this when processed are counted as late, not rolled up.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(35);

    /// <summary>Events dated further ahead than this when processed are counted as future, not rolled up.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(1);

    /// <summary>Attempts of one transaction that loses races with other consumers before the batch fails.</summary>
    public const int MaxAttempts = 20;

    private const int MaxRetryDelayMilliseconds = 200;

    /// <summary>Bytes of items in one transaction (Cosmos DB's transactional batch takes 2 MB, DynamoDB's 4 MB).</summary>
    public const int MaxTransactionBytes = 1_500_000;

    /// <summary>Event ids remembered per handler instance for deduplicating retried ingests (16 bytes each, ~8 MB with the set).</summary>
    public const int DefaultRecentIdCapacity = 262_144;

    /// <summary>Checkpoints expire when untouched this long; a log keeps records for less (Kafka's default is 7 days).</summary>
    public static readonly TimeSpan CheckpointLifetime = TimeSpan.FromDays(30);

    private static readonly int[] RetentionDays = [1, 7, 30];

    private readonly IDocumentStore _store;
    private readonly TimeProvider _time;
    private readonly IEventArchive? _archive;
    private readonly RecentEventIds _recent;

    /// <summary>The byte budget of one transaction; tests lower it to force the split into consecutive runs.</summary>
    internal int TransactionByteBudget { get; set; } = MaxTransactionBytes;

    public AnalyticsIngest(IDocumentStore store, TimeProvider time, IEventArchive? archive = null, int recentIdCapacity = DefaultRecentIdCapacity)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _archive = archive;
        _recent = new RecentEventIds(recentIdCapacity);
    }

    public async Task<IngestBatchReport> HandleAsync(IReadOnlyList<EventRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        int malformed = 0, duplicates = 0, applied = 0;

        // One log partition at a time: offsets only compare within one.
        foreach (var group in records.GroupBy(r => (r.Topic, r.Partition)))
        {
            var byTitle = new Dictionary<string, List<PendingEvent>>(StringComparer.Ordinal);
            foreach (var record in group.OrderBy(r => r.Offset))
            {
                var e = EventWire.TryDecode(record.Value.Span);
                if (e is null)
                {
                    malformed++;
                    continue;
                }

                if (!byTitle.TryGetValue(e.TitleId, out var list))
                {
                    byTitle[e.TitleId] = list = [];
                }

                list.Add(new PendingEvent(record.Offset, e, RecentEventIds.KeyOf(e.TitleId, e.Id)));
            }

            var work = new List<(string TitleId, List<PendingEvent> Events, long LastOffset)>(byTitle.Count);
            foreach (var (titleId, candidates) in byTitle)
            {
                var checkpoint = await ReadCheckpointAsync(titleId, group.Key.Topic, group.Key.Partition, cancellationToken);
                var seen = new HashSet<UInt128>();
                var fresh = new List<PendingEvent>(candidates.Count);
                foreach (var candidate in candidates)
                {
                    // Every id joins the batch's set, also one below the checkpoint: its retry further on is a duplicate too.
                    var repeated = !seen.Add(candidate.Key);
                    if (candidate.Offset <= checkpoint.Offset || repeated || _recent.Contains(candidate.Key))
                    {
                        duplicates++;
                    }
                    else
                    {
                        fresh.Add(candidate);
                    }
                }

                // The checkpoint moves past duplicates too, so a restarted process (with no id window) skips them as well.
                if (candidates[^1].Offset > checkpoint.Offset)
                {
                    work.Add((titleId, fresh, candidates[^1].Offset));
                }
            }

            if (work.Count == 0)
            {
                continue;
            }

            if (_archive is not null && work.Any(w => w.Events.Count > 0))
            {
                var events = work.SelectMany(w => w.Events).OrderBy(p => p.Offset).Select(p => p.Event).ToList();
                var batchId = string.Create(CultureInfo.InvariantCulture, $"{group.Key.Topic}-{group.Key.Partition}-{group.Min(r => r.Offset)}-{group.Max(r => r.Offset)}");
                await _archive.ArchiveAsync(batchId, events, cancellationToken);
            }

            foreach (var (titleId, events, lastOffset) in work)
            {
                var (titleApplied, titleDuplicates) = await CommitAsync(titleId, group.Key.Topic, group.Key.Partition, events, lastOffset, cancellationToken);
                applied += titleApplied;
                duplicates += titleDuplicates;
            }
        }

        return new IngestBatchReport(records.Count, applied, duplicates, malformed);
    }

    private async Task<(int Applied, int Duplicates)> CommitAsync(
        string titleId, string topic, int partition, List<PendingEvent> events, long lastOffset, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var checkpoint = await ReadCheckpointAsync(titleId, topic, partition, cancellationToken);

            // Another consumer of this partition (a zombie after a rebalance) may have moved the checkpoint meanwhile.
            var todo = events.Count == 0 || checkpoint.Offset < events[0].Offset ? events : events.Where(e => e.Offset > checkpoint.Offset).ToList();
            if (lastOffset <= checkpoint.Offset)
            {
                return (0, events.Count);
            }

            var now = _time.GetUtcNow();
            var rollups = await LoadRollupsAsync(titleId, todo, now, cancellationToken);
            foreach (var pending in todo)
            {
                Apply(rollups, pending.Event, now);
            }

            var operations = new List<TransactionOperation>(rollups.Count + 1);
            long bytes = 0;
            foreach (var rollup in rollups.Values)
            {
                var body = rollup.Serialize();
                bytes += body.Length;
                var item = new NewItem(new ItemKey(titleId, AnalyticsKeys.Partition, AnalyticsKeys.Day(rollup.Day)), body);
                operations.Add(rollup.Version is null
                    ? new TransactionOperation.Create(item)
                    : new TransactionOperation.Replace(item, rollup.Version));
            }

            var checkpointItem = new NewItem(
                checkpoint.Key,
                JsonSerializer.SerializeToUtf8Bytes(new CheckpointDocument { Offset = lastOffset }, AnalyticsJsonContext.Default.CheckpointDocument),
                now + CheckpointLifetime);
            operations.Add(checkpoint.Version is null
                ? new TransactionOperation.Create(checkpointItem)
                : new TransactionOperation.Replace(checkpointItem, checkpoint.Version));

            if ((operations.Count > Transaction.MaxOperations || bytes > TransactionByteBudget) && todo.Count > 1)
            {
                // Too much for one transaction: two consecutive runs, each with its own checkpoint.
                var half = todo.Count / 2;
                var first = await CommitAsync(titleId, topic, partition, todo[..half], todo[half - 1].Offset, cancellationToken);
                var second = await CommitAsync(titleId, topic, partition, todo[half..], lastOffset, cancellationToken);
                return (first.Applied + second.Applied, events.Count - todo.Count + first.Duplicates + second.Duplicates);
            }

            var result = await _store.TransactAsync(new Transaction(operations), cancellationToken);
            if (result.Committed)
            {
                _recent.AddRange(todo.Select(e => e.Key));
                return (todo.Count, events.Count - todo.Count);
            }

            if (attempt >= MaxAttempts)
            {
                throw new AnalyticsConflictException(
                    $"The analytics rollups of title {titleId} kept changing under {MaxAttempts} attempts (operation {result.FailedIndex}: {result.FailedOutcome}); the batch was not applied.");
            }

            // Lost a race with another partition's consumer on the same day: a random pause that grows with each loss
            // (full jitter, so the racers fall out of step), then read again. Real time: it paces retries, it is not business time.
            var ceiling = Math.Min(MaxRetryDelayMilliseconds, 5 << Math.Min(attempt, 10));
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, ceiling + 1)), cancellationToken);
        }
    }

    private async Task<Dictionary<DateOnly, DayRollup>> LoadRollupsAsync(
        string titleId, List<PendingEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var days = new HashSet<DateOnly>();
        foreach (var pending in events)
        {
            var (day, cohort) = DaysOf(pending.Event, now);
            days.Add(day);
            if (cohort is { } c)
            {
                days.Add(c);
            }
        }

        var loads = days.Select(async day => DayRollup.From(
            day,
            await _store.GetAsync(new ItemKey(titleId, AnalyticsKeys.Partition, AnalyticsKeys.Day(day)), cancellationToken)));
        var loaded = await Task.WhenAll(loads);
        return loaded.ToDictionary(r => r.Day);
    }

    /// <summary>The day item an event counts in, and the cohort item it adds retention to (when it does).</summary>
    private static (DateOnly Day, DateOnly? Cohort) DaysOf(BackendEvent e, DateTimeOffset now)
    {
        if (e.Time < now - MaxAge || e.Time > now + MaxAhead)
        {
            return (DateOnly.FromDateTime(now.UtcDateTime), null);
        }

        var day = DateOnly.FromDateTime(e.Time.UtcDateTime);
        if (e.PlayerId is not null && e.PlayerSince is { } since)
        {
            var cohort = DateOnly.FromDateTime(since.UtcDateTime);
            if (RetentionDays.Contains(day.DayNumber - cohort.DayNumber))
            {
                return (day, cohort);
            }
        }

        return (day, null);
    }

    private static void Apply(Dictionary<DateOnly, DayRollup> rollups, BackendEvent e, DateTimeOffset now)
    {
        if (e.Time < now - MaxAge)
        {
            rollups[DateOnly.FromDateTime(now.UtcDateTime)].Document.LateEvents++;
            return;
        }

        if (e.Time > now + MaxAhead)
        {
            rollups[DateOnly.FromDateTime(now.UtcDateTime)].Document.FutureEvents++;
            return;
        }

        var utc = e.Time.UtcDateTime;
        var day = DateOnly.FromDateTime(utc);
        var rollup = rollups[day];
        rollup.AddEvent(e, utc);
        if (e.PlayerId is null)
        {
            return;
        }

        var hash = DistinctCountSketch.Hash(e.PlayerId);
        rollup.Players.AddHash(hash);
        if (e.PlayerSince is not { } since)
        {
            return;
        }

        var cohort = DateOnly.FromDateTime(since.UtcDateTime);
        var age = day.DayNumber - cohort.DayNumber;
        if (age == 0)
        {
            rollup.NewPlayers.AddHash(hash);
        }
        else if (RetentionDays.Contains(age))
        {
            rollups[cohort].Retained(age).AddHash(hash);
        }
    }

    private async Task<Checkpoint> ReadCheckpointAsync(string titleId, string topic, int partition, CancellationToken cancellationToken)
    {
        var key = new ItemKey(titleId, AnalyticsKeys.Partition, AnalyticsKeys.Checkpoint(topic, partition));
        var item = await _store.GetAsync(key, cancellationToken);
        if (item is null)
        {
            return new Checkpoint(key, -1, null);
        }

        var document = JsonSerializer.Deserialize(item.Body, AnalyticsJsonContext.Default.CheckpointDocument)
            ?? throw new InvalidDataException($"The checkpoint {key} is empty.");
        return new Checkpoint(key, document.Offset, item.Version);
    }

    private readonly record struct PendingEvent(long Offset, BackendEvent Event, UInt128 Key);

    private readonly record struct Checkpoint(ItemKey Key, long Offset, string? Version);
}

/// <summary>The rollups kept changing under a batch (other consumers won every attempt); the batch was not applied and must be delivered again.</summary>
public sealed class AnalyticsConflictException : Exception
{
    public AnalyticsConflictException()
    {
    }

    public AnalyticsConflictException(string message)
        : base(message)
    {
    }

    public AnalyticsConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
