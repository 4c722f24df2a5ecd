using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using GameBackend.Core.Events;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Analytics;

/// <summary>
/// The analytics ingest function (<see cref="IEventRecordHandler"/>): decodes a batch of raw records, drops duplicates,
/// archives the new events (when an <see cref="IEventArchive"/> is given) and folds them into each title's day rollups.
/// </summary>
/// <remarks>
/// <para><b>Exactly once per log position.</b> Per title, one transaction writes the rollup items together with a
/// checkpoint item <c>checkpoint/{topic}/{partition}</c> for every log partition of the batch, holding the highest offset
/// applied. A record at or below its partition's checkpoint is skipped, so a batch delivered again (whole, in part, or cut
/// at other boundaries) changes nothing. One transaction per title rather than per title and partition: the day items
/// (tens of KB with their sketches) are read, folded and written once per batch, whatever the number of partitions. A
/// transaction that would exceed <see cref="Transaction.MaxOperations"/> items or <see cref="MaxTransactionBytes"/> is
/// split, by partitions first and then a partition's records into consecutive runs in offset order, each committed with
/// its own checkpoints, so a crash between them loses and repeats nothing.</para>
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

        // Per title, the fresh events of each log partition (offsets only compare within one partition).
        var byTitle = new Dictionary<string, List<PartitionRun>>(StringComparer.Ordinal);
        var ranges = new List<(string Topic, int Partition, long First, long Last)>();
        foreach (var group in records.GroupBy(r => (r.Topic, r.Partition)))
        {
            var candidatesByTitle = new Dictionary<string, List<PendingEvent>>(StringComparer.Ordinal);
            foreach (var record in group.OrderBy(r => r.Offset))
            {
                var e = EventWire.TryDecode(record.Value.Span);
                if (e is null)
                {
                    malformed++;
                    continue;
                }

                if (!candidatesByTitle.TryGetValue(e.TitleId, out var list))
                {
                    candidatesByTitle[e.TitleId] = list = [];
                }

                list.Add(new PendingEvent(record.Offset, e, RecentEventIds.KeyOf(e.TitleId, e.Id)));
            }

            var partitionHasRuns = false;
            foreach (var (titleId, candidates) in candidatesByTitle)
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
                    if (!byTitle.TryGetValue(titleId, out var titleRuns))
                    {
                        byTitle[titleId] = titleRuns = [];
                    }

                    titleRuns.Add(new PartitionRun(group.Key.Topic, group.Key.Partition, fresh, candidates[^1].Offset, checkpoint));
                    partitionHasRuns = true;
                }
            }

            if (partitionHasRuns)
            {
                ranges.Add((group.Key.Topic, group.Key.Partition, group.Min(r => r.Offset), group.Max(r => r.Offset)));
            }
        }

        // The new events of the whole batch, archived once (one object per title and hour, not one per partition too).
        // The archive runs beside the rollups' reads and folding, on another thread, and every rollup transaction waits
        // for it: no rollup commits before the batch is archived.
        var archiving = Task.CompletedTask;
        if (_archive is { } archive && byTitle.Values.Any(runs => runs.Any(r => r.Events.Count > 0)))
        {
            var events = byTitle.Values.SelectMany(runs => runs)
                .SelectMany(r => r.Events.Select(p => (r.Topic, r.Partition, p.Offset, p.Event)))
                .OrderBy(x => x.Topic, StringComparer.Ordinal).ThenBy(x => x.Partition).ThenBy(x => x.Offset)
                .Select(x => x.Event)
                .ToList();
            var batchId = BatchId(ranges);
            archiving = Task.Run(() => archive.ArchiveAsync(batchId, events, cancellationToken), cancellationToken);
        }

        // One transaction per title for all its partitions: the day items are read, folded and written once per batch,
        // not once per partition, with every partition's checkpoint beside them.
        try
        {
            foreach (var (titleId, runs) in byTitle)
            {
                var (titleApplied, titleDuplicates) = await CommitAsync(titleId, runs, archiving, cancellationToken);
                applied += titleApplied;
                duplicates += titleDuplicates;
            }
        }
        catch (Exception) when (!archiving.IsCompleted)
        {
            // The batch failed before its archive finished: let the archive end before the caller delivers it again.
            await archiving.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }

        // Also when every event was a duplicate by now (another consumer committed them first).
        await archiving;
        return new IngestBatchReport(records.Count, applied, duplicates, malformed);
    }

    /// <summary>
    /// The archive's name for a batch, the same whenever the same records are delivered again: <c>{topic}-{partition}-
    /// {first offset}-{last offset}</c> for a batch of one log partition, else <c>{first topic}-{n}p-{hash}</c> with a
    /// 64-bit hash (XxHash64) of every partition's topic, number and offset range, in order.
    /// </summary>
    internal static string BatchId(List<(string Topic, int Partition, long First, long Last)> ranges)
    {
        if (ranges.Count == 1)
        {
            var (topic, partition, first, last) = ranges[0];
            return string.Create(CultureInfo.InvariantCulture, $"{topic}-{partition}-{first}-{last}");
        }

        var ordered = ranges.OrderBy(r => r.Topic, StringComparer.Ordinal).ThenBy(r => r.Partition).ToList();
        var text = string.Join('\n', ordered.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Topic}\t{r.Partition}\t{r.First}\t{r.Last}")));
        var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text));
        return string.Create(CultureInfo.InvariantCulture, $"{ordered[0].Topic}-{ordered.Count}p-{hash:x16}");
    }

    /// <summary>
    /// Applies the runs (one title, each run one log partition) in one transaction with a checkpoint per partition. What
    /// does not fit one transaction is split: by partitions first, then a single partition's run into consecutive halves,
    /// each half committed with its own last offset.
    /// </summary>
    private async Task<(int Applied, int Duplicates)> CommitAsync(string titleId, List<PartitionRun> runs, Task archived, CancellationToken cancellationToken)
    {
        var total = runs.Sum(r => r.Events.Count);
        for (var attempt = 1; ; attempt++)
        {
            // The first attempt uses the checkpoints the batch was filtered with; after a lost race they are read again, as
            // another consumer of a partition (a zombie after a rebalance) may have moved one meanwhile.
            var checkpoints = attempt == 1 && runs.All(r => r.ReadCheckpoint is not null)
                ? runs.Select(r => r.ReadCheckpoint!.Value).ToArray()
                : await Task.WhenAll(runs.Select(r => ReadCheckpointAsync(titleId, r.Topic, r.Partition, cancellationToken)));
            var todo = new List<(PartitionRun Run, List<PendingEvent> Events, Checkpoint Checkpoint)>(runs.Count);
            for (var i = 0; i < runs.Count; i++)
            {
                var (run, checkpoint) = (runs[i], checkpoints[i]);
                if (run.LastOffset > checkpoint.Offset)
                {
                    var events = run.Events.Count == 0 || checkpoint.Offset < run.Events[0].Offset
                        ? run.Events
                        : run.Events.Where(e => e.Offset > checkpoint.Offset).ToList();
                    todo.Add((run, events, checkpoint));
                }
            }

            var todoCount = todo.Sum(t => t.Events.Count);
            if (todo.Count == 0)
            {
                return (0, total);
            }

            var now = _time.GetUtcNow();
            var all = todo.SelectMany(t => t.Events).ToList();
            var rollups = await LoadRollupsAsync(titleId, all, now, cancellationToken);
            foreach (var pending in all)
            {
                Apply(rollups, pending.Event, now);
            }

            var operations = new List<TransactionOperation>(rollups.Count + todo.Count);
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

            foreach (var (run, _, checkpoint) in todo)
            {
                var checkpointItem = new NewItem(
                    checkpoint.Key,
                    JsonSerializer.SerializeToUtf8Bytes(new CheckpointDocument { Offset = run.LastOffset }, AnalyticsJsonContext.Default.CheckpointDocument),
                    now + CheckpointLifetime);
                operations.Add(checkpoint.Version is null
                    ? new TransactionOperation.Create(checkpointItem)
                    : new TransactionOperation.Replace(checkpointItem, checkpoint.Version));
            }

            if (operations.Count > Transaction.MaxOperations || bytes > TransactionByteBudget)
            {
                if (todo.Count > 1)
                {
                    // Too much for one transaction: the partitions in two groups, each group its own transaction.
                    var half = todo.Count / 2;
                    var first = await CommitAsync(titleId, todo[..half].Select(t => t.Run with { Events = t.Events, ReadCheckpoint = t.Checkpoint }).ToList(), archived, cancellationToken);
                    var second = await CommitAsync(titleId, todo[half..].Select(t => t.Run with { Events = t.Events, ReadCheckpoint = t.Checkpoint }).ToList(), archived, cancellationToken);
                    return (first.Applied + second.Applied, total - todoCount + first.Duplicates + second.Duplicates);
                }

                var (only, events, read) = todo[0];
                if (events.Count > 1)
                {
                    // One partition: two consecutive runs of its records, each with its own checkpoint.
                    var split = events.Count / 2;
                    var first = await CommitAsync(titleId, [only with { Events = events[..split], LastOffset = events[split - 1].Offset, ReadCheckpoint = read }], archived, cancellationToken);
                    var second = await CommitAsync(titleId, [only with { Events = events[split..], ReadCheckpoint = null }], archived, cancellationToken);
                    return (first.Applied + second.Applied, total - todoCount + first.Duplicates + second.Duplicates);
                }
            }

            await archived;
            var result = await _store.TransactAsync(new Transaction(operations), cancellationToken);
            if (result.Committed)
            {
                _recent.AddRange(all.Select(e => e.Key));
                return (todoCount, total - todoCount);
            }

            if (attempt >= MaxAttempts)
            {
                throw new AnalyticsConflictException(
                    $"The analytics rollups of title {titleId} kept changing under {MaxAttempts} attempts (operation {result.FailedIndex}: {result.FailedOutcome}); the batch was not applied.");
            }

            // Lost a race with another consumer on the same day: a random pause that grows with each loss
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

    /// <summary>
    /// One title's fresh events from one log partition, the offset its checkpoint moves to once they are stored, and the
    /// checkpoint as last read (null: read it again before committing).
    /// </summary>
    private sealed record PartitionRun(string Topic, int Partition, List<PendingEvent> Events, long LastOffset, Checkpoint? ReadCheckpoint);

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
