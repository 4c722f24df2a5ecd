using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using GameBackend.Core.Storage;
using static GameBackend.Core.Tests.Analytics.AnalyticsTestBed;

namespace GameBackend.Core.Tests.Analytics;

/// <summary>Redelivery, duplicates, concurrency, failures and the archive: what makes a delivered batch count exactly once.</summary>
public sealed class AnalyticsIngestDeliveryTests
{
    private static readonly DateTimeOffset Morning = StartOfDay.AddHours(9);

    /// <summary>A mixed stream: players new today and older ones, sessions, matches, heartbeats, over two days.</summary>
    private static List<BackendEvent> Stream(string title, int count, string idPrefix = "e") =>
        Enumerable.Range(0, count).Select(i => (i % 7) switch
        {
            0 => Event(title, idPrefix + i, "session_ended", Morning.AddMinutes(i), properties: $$"""{"relay":"r","members":0,"durationSeconds":{{i * 3}}}"""),
            1 => Event(title, idPrefix + i, BackendEventNames.MatchFormed, Morning.AddMinutes(i)),
            2 => Event(title, idPrefix + i, BackendEventNames.RelayHeartbeat, Morning.AddMinutes(i), properties: $$"""{"relay":"r{{i % 3}}","members":{{i}}}"""),
            _ => Event(title, idPrefix + i, "level_up", Morning.AddMinutes(i).AddDays(-(i % 2)), "p" + (i % 40), Morning.AddDays(-(i % 3))),
        }).ToList();

    [Fact]
    public async Task A_batch_delivered_again_whole_changes_nothing()
    {
        await using var bed = new AnalyticsTestBed();
        var records = Records(Stream("t", 300));

        var first = await bed.Ingest.HandleAsync(records);
        var before = await bed.DescribeAsync("t", Today.AddDays(-1), Today);
        var again = await bed.Ingest.HandleAsync(records);

        Assert.Equal(new IngestBatchReport(300, 300, 0, 0), first);
        Assert.Equal(new IngestBatchReport(300, 0, 300, 0), again);
        Assert.Equal(before, await bed.DescribeAsync("t", Today.AddDays(-1), Today));
    }

    [Fact]
    public async Task Redelivery_in_part_or_cut_at_other_boundaries_counts_every_record_once()
    {
        await using var once = new AnalyticsTestBed();
        await using var redelivered = new AnalyticsTestBed();
        var records = Records(Stream("t", 400));
        await once.Ingest.HandleAsync(records);

        // A consumer that crashed after storing part of its work, then got overlapping batches of other sizes.
        await redelivered.Ingest.HandleAsync(records[..150]);
        await redelivered.Ingest.HandleAsync(records[100..260]);
        foreach (var chunk in records.Chunk(37))
        {
            await redelivered.Ingest.HandleAsync(chunk);
        }

        // A fresh handler instance (a restarted process: no memory of recent ids) is stopped by the checkpoints alone.
        var restarted = new AnalyticsIngest(redelivered.Store, redelivered.Time);
        var report = await restarted.HandleAsync([.. records[390..], .. records[..20]]);

        Assert.Equal(new IngestBatchReport(30, 0, 30, 0), report);
        Assert.Equal(await once.DescribeAsync("t", Today.AddDays(-1), Today), await redelivered.DescribeAsync("t", Today.AddDays(-1), Today));
    }

    [Fact]
    public async Task An_event_id_counts_once_within_a_batch_and_across_retried_ingests()
    {
        await using var bed = new AnalyticsTestBed();
        var e = Event("t", "same", "x", Morning, "p1");
        var first = await bed.Ingest.HandleAsync(Records([e, e, Event("t", "other", "x", Morning, "p2")]));

        // The client retried its HTTP ingest: the same events again, at new offsets of the same partition.
        var retry = await bed.Ingest.HandleAsync(Records([e, Event("t", "new", "x", Morning, "p3")], firstOffset: 3));

        Assert.Equal(new IngestBatchReport(3, 2, 1, 0), first);
        Assert.Equal(new IngestBatchReport(2, 1, 1, 0), retry);
        Assert.Equal(3, (await bed.DayAsync("t", Today)).Events);
    }

    [Fact]
    public async Task Duplicates_at_the_end_of_a_batch_move_the_checkpoint_so_a_restarted_process_skips_them_too()
    {
        await using var bed = new AnalyticsTestBed();
        var e = Event("t", "same", "x", Morning, "p1");
        var records = Records([e, e, e]);
        await bed.Ingest.HandleAsync(records[..2]);
        await bed.Ingest.HandleAsync(records[2..]);

        // Redelivered to a new process: no id window, only the checkpoints.
        var report = await new AnalyticsIngest(bed.Store, bed.Time).HandleAsync(records);

        Assert.Equal(new IngestBatchReport(3, 0, 3, 0), report);
        Assert.Equal(1, (await bed.DayAsync("t", Today)).Events);
    }

    [Fact]
    public async Task The_id_window_forgets_the_oldest_ids_first()
    {
        await using var bed = new AnalyticsTestBed();
        var ingest = new AnalyticsIngest(bed.Store, bed.Time, recentIdCapacity: 2);
        await ingest.HandleAsync(Records([Event("t", "a", "x", Morning), Event("t", "b", "x", Morning), Event("t", "c", "x", Morning)]));

        var retry = await ingest.HandleAsync(Records([Event("t", "a", "x", Morning), Event("t", "c", "x", Morning)], firstOffset: 3));

        Assert.Equal(new IngestBatchReport(2, 1, 1, 0), retry);
        Assert.Equal(4, (await bed.DayAsync("t", Today)).Events);
    }

    [Fact]
    public async Task Handlers_of_two_partitions_updating_one_title_and_day_lose_no_update()
    {
        await using var bed = new AnalyticsTestBed();
        var (left, right) = (new AnalyticsIngest(bed.Store, bed.Time), new AnalyticsIngest(bed.Store, bed.Time));
        var leftEvents = Enumerable.Range(0, 1000).Select(i => Event("t", "l" + i, "x", Morning.AddSeconds(i), "left-" + (i % 300))).ToList();
        var rightEvents = Enumerable.Range(0, 1000).Select(i => Event("t", "r" + i, "x", Morning.AddSeconds(i), "right-" + (i % 200))).ToList();

        async Task Run(AnalyticsIngest ingest, List<BackendEvent> events, int partition)
        {
            var records = Records(events, partition: partition);
            foreach (var chunk in records.Chunk(25))
            {
                await ingest.HandleAsync(chunk);
            }
        }

        await Task.WhenAll(Task.Run(() => Run(left, leftEvents, 0)), Task.Run(() => Run(right, rightEvents, 1)));

        var day = await bed.DayAsync("t", Today);
        Assert.Equal(2000, day.Events);
        Assert.Equal(500, day.Dau);
        Assert.Equal(2000, day.EventsByName["x"]);
    }

    [Fact]
    public async Task Cohort_players_active_on_day_1_7_and_30_make_its_retention()
    {
        await using var bed = new AnalyticsTestBed();
        var cohortDay = StartOfDay.AddHours(13);
        var cohort = DateOnly.FromDateTime(cohortDay.UtcDateTime);
        var players = Enumerable.Range(0, 10).Select(i => "p" + i).ToList();
        var offset = 0L;

        async Task Active(int day, IEnumerable<string> who)
        {
            var at = cohortDay.AddDays(day);
            bed.Time.SetUtcNow(at.AddHours(1));
            var events = who.Select(p => Event("t", $"{p}@{day}", BackendEventNames.SignedIn, at, p, cohortDay)).ToList();
            await bed.Ingest.HandleAsync(Records(events, offset));
            offset += events.Count;
        }

        await Active(0, players);
        await Active(1, players.Take(6));
        await Active(2, players);
        bed.Time.SetUtcNow(cohortDay.AddDays(3));
        var early = (await bed.Queries.GetRetentionAsync("t", cohort, cohort)).Value.Single();
        Assert.Equal(new AnalyticsCohort(cohort, 10, new RetentionPoint(6, 0.6), null, null), early);

        await Active(7, players.Take(3));
        await Active(30, players.Skip(8));
        await Active(31, players);

        var cohorts = (await bed.Queries.GetRetentionAsync("t", cohort.AddDays(-1), cohort.AddDays(1))).Value;
        Assert.Equal(new AnalyticsCohort(cohort, 10, new RetentionPoint(6, 0.6), new RetentionPoint(3, 0.3), new RetentionPoint(2, 0.2)), cohorts[1]);
        Assert.Equal(new AnalyticsCohort(cohort.AddDays(-1), 0, new RetentionPoint(0, 0), new RetentionPoint(0, 0), new RetentionPoint(0, 0)), cohorts[0]);
        Assert.Equal(10, (await bed.DayAsync("t", cohort)).NewPlayers);
        Assert.Equal(0, (await bed.DayAsync("t", cohort.AddDays(1))).NewPlayers);
    }

    [Fact]
    public async Task A_title_reads_only_its_own_rollups()
    {
        await using var bed = new AnalyticsTestBed();

        // The same player and event ids in two titles are different players and events.
        await bed.Ingest.HandleAsync(Records([
            Event("a", "1", "x", Morning, "p1", Morning),
            Event("b", "1", "x", Morning, "p1", Morning),
            Event("b", "2", "y", Morning, "p2", Morning),
            Event("b", "3", BackendEventNames.RelayHeartbeat, Morning, properties: """{"relay":"r","members":7}"""),
        ]));

        var a = await bed.DayAsync("a", Today);
        var b = await bed.DayAsync("b", Today);
        Assert.Equal((1, 1, 1, 0), (a.Events, a.Dau, a.NewPlayers, a.PeakCcu));
        Assert.Equal(new[] { "x" }, a.EventsByName.Keys);
        Assert.Equal((3, 2, 2, 7), (b.Events, b.Dau, b.NewPlayers, b.PeakCcu));
        Assert.Equal(0, (await bed.DayAsync("c", Today)).Events);
        Assert.Equal(0, (await bed.Queries.GetRetentionAsync("c", Today, Today)).Value.Single().Size);
    }

    [Fact]
    public async Task A_batch_too_big_for_one_transaction_is_committed_in_consecutive_runs()
    {
        await using var once = new AnalyticsTestBed();
        await using var split = new AnalyticsTestBed();
        var records = Records(Stream("t", 120));
        await once.Ingest.HandleAsync(records);
        split.Ingest.TransactionByteBudget = 1;

        var report = await split.Ingest.HandleAsync(records);

        Assert.Equal(new IngestBatchReport(120, 120, 0, 0), report);
        Assert.Equal(await once.DescribeAsync("t", Today.AddDays(-1), Today), await split.DescribeAsync("t", Today.AddDays(-1), Today));
        Assert.Equal(new IngestBatchReport(120, 0, 120, 0), await new AnalyticsIngest(split.Store, split.Time).HandleAsync(records));
    }

    /// <summary>A stream's events dealt over <paramref name="partitions"/> log partitions, each partition's offsets from 0.</summary>
    private static List<EventRecord> Spread(IReadOnlyList<BackendEvent> events, int partitions, string topic = "events") =>
        events.Select((e, i) => (Event: e, Partition: i % partitions, Offset: i / partitions))
            .Select(x => new EventRecord(topic, x.Partition, x.Offset, EventWire.Key(x.Event), EventWire.Encode(x.Event)))
            .ToList();

    [Fact]
    public async Task A_batch_over_many_partitions_is_one_transaction_per_title_and_counts_as_one_partition_would()
    {
        await using var reference = new AnalyticsTestBed();
        await using var bed = new AnalyticsTestBed();
        var counting = new InterferingStore(bed.Store, bed.Time);
        var ingest = new AnalyticsIngest(counting, bed.Time);
        var t = Stream("t", 70);
        var u = Stream("u", 30, "u");
        await reference.Ingest.HandleAsync(Records(t));
        await reference.Ingest.HandleAsync(Records(u, topic: "other"));

        var records = Spread(t, 7).Concat(Spread(u, 3)).ToList();
        Assert.Equal(new IngestBatchReport(100, 100, 0, 0), await ingest.HandleAsync(records));

        Assert.Equal(2, counting.Transactions);
        foreach (var title in new[] { "t", "u" })
        {
            Assert.Equal(await reference.DescribeAsync(title, Today.AddDays(-1), Today), await bed.DescribeAsync(title, Today.AddDays(-1), Today));
        }

        // Every partition's checkpoint was written: a fresh process (no id window) finds every record applied.
        Assert.Equal(new IngestBatchReport(100, 0, 100, 0), await new AnalyticsIngest(bed.Store, bed.Time).HandleAsync(records));
    }

    [Fact]
    public async Task More_partitions_than_one_transaction_holds_are_split_by_partition_and_each_counts_once()
    {
        await using var reference = new AnalyticsTestBed();
        await using var bed = new AnalyticsTestBed();
        var counting = new InterferingStore(bed.Store, bed.Time);
        var ingest = new AnalyticsIngest(counting, bed.Time);
        var events = Stream("t", 3 * Transaction.MaxOperations);
        await reference.Ingest.HandleAsync(Records(events));
        var records = Spread(events, Transaction.MaxOperations + 50);

        // Part of the batch was applied before (a consumer that stopped after some partitions' transactions).
        var earlier = records.Where(r => r.Partition < 10).ToList();
        Assert.Equal(earlier.Count, (await new AnalyticsIngest(bed.Store, bed.Time).HandleAsync(earlier)).Applied);

        var report = await ingest.HandleAsync(records);

        Assert.Equal(new IngestBatchReport(records.Count, records.Count - earlier.Count, earlier.Count, 0), report);
        Assert.True(counting.Transactions > 1, $"{counting.Transactions} transactions");
        Assert.Equal(await reference.DescribeAsync("t", Today.AddDays(-1), Today), await bed.DescribeAsync("t", Today.AddDays(-1), Today));
        Assert.Equal(new IngestBatchReport(records.Count, 0, records.Count, 0), await new AnalyticsIngest(bed.Store, bed.Time).HandleAsync(records));
    }

    [Fact]
    public async Task A_batch_whose_effects_were_not_stored_throws_and_its_redelivery_counts_once()
    {
        await using var bed = new AnalyticsTestBed();
        var failing = new InterferingStore(bed.Store, bed.Time) { FailTransactions = 1 };
        var ingest = new AnalyticsIngest(failing, bed.Time);
        var records = Records(Stream("t", 50));

        await Assert.ThrowsAsync<IOException>(() => ingest.HandleAsync(records));
        Assert.Equal(0, (await bed.DayAsync("t", Today)).Events);

        Assert.Equal(new IngestBatchReport(50, 50, 0, 0), await ingest.HandleAsync(records));
        Assert.Equal(new IngestBatchReport(50, 0, 50, 0), await ingest.HandleAsync(records));
    }

    [Fact]
    public async Task A_lost_race_is_read_again_and_applied_once_and_endless_races_throw()
    {
        await using var bed = new AnalyticsTestBed();
        var racing = new InterferingStore(bed.Store, bed.Time) { RacesBeforeEachTransaction = 3 };
        var ingest = new AnalyticsIngest(racing, bed.Time);

        var report = await ingest.HandleAsync(Records([Event("t", "1", "x", Morning, "p1")]));

        Assert.Equal(1, report.Applied);
        Assert.Equal(4, racing.Transactions);

        // The racer's own writes (one event each) are there too, and ours once.
        Assert.Equal(3 + 1, (await bed.DayAsync("t", Today)).Events);

        racing.RacesBeforeEachTransaction = int.MaxValue;
        await Assert.ThrowsAsync<AnalyticsConflictException>(() => ingest.HandleAsync(Records([Event("t", "2", "x", Morning, "p2")], firstOffset: 1)));
        Assert.Equal(AnalyticsIngest.MaxAttempts, racing.Transactions - 4);
    }

    [Fact]
    public async Task New_events_are_archived_under_the_batch_id_before_the_rollups_commit()
    {
        var archive = new RecordingArchive();
        await using var bed = new AnalyticsTestBed(archive);
        archive.Store = bed.Store;
        var e = Event("t", "1", "x", Morning, "p1");
        var records = Records([e, e, Event("u", "2", "x", Morning, "p1"), Event("t", "3", "x", Morning, "p1")], firstOffset: 10, topic: "events", partition: 3);

        await bed.Ingest.HandleAsync(records);
        await bed.Ingest.HandleAsync(records);

        var batch = Assert.Single(archive.Batches);
        Assert.Equal("events-3-10-13", batch.Id);
        Assert.Equal(new[] { "1", "2", "3" }, batch.Events.Select(x => x.Id));
        Assert.False(batch.RollupsExisted);
    }

    [Fact]
    public async Task A_batch_over_several_partitions_is_archived_once_under_an_id_its_redelivery_repeats()
    {
        var archive = new RecordingArchive();
        await using var bed = new AnalyticsTestBed(archive);
        archive.Store = bed.Store;
        var records = Spread(Stream("t", 30), 3);

        await bed.Ingest.HandleAsync(records);
        await bed.Ingest.HandleAsync(records);

        // Once: the redelivery found every record applied and archived nothing.
        var batch = Assert.Single(archive.Batches);
        Assert.Equal(30, batch.Events.Count);
        Assert.Equal(Stream("t", 30).Select(e => e.Id).Order(StringComparer.Ordinal), batch.Events.Select(e => e.Id).Order(StringComparer.Ordinal));
        Assert.StartsWith("events-3p-", batch.Id, StringComparison.Ordinal);

        // The id depends on the partitions' ranges, not on their order; other ranges make another id.
        var shuffled = records.AsEnumerable().Reverse().ToList();
        var id = AnalyticsIngest.BatchId([("events", 0, 0, 9), ("events", 1, 0, 9), ("events", 2, 0, 9)]);
        Assert.Equal(batch.Id, id);
        Assert.Equal(id, AnalyticsIngest.BatchId([("events", 2, 0, 9), ("events", 0, 0, 9), ("events", 1, 0, 9)]));
        Assert.NotEqual(id, AnalyticsIngest.BatchId([("events", 0, 0, 9), ("events", 1, 0, 9), ("events", 2, 0, 8)]));
        Assert.Equal("events-3-10-13", AnalyticsIngest.BatchId([("events", 3, 10, 13)]));

        // The same records in another order, applied by a process that never saw them (its rollups were lost, say), are
        // archived under the same id, so that archive object is replaced, not doubled.
        var again = new RecordingArchive();
        await using var fresh = new AnalyticsTestBed(again);
        again.Store = fresh.Store;
        await fresh.Ingest.HandleAsync(shuffled);
        Assert.Equal(batch.Id, Assert.Single(again.Batches).Id);
    }

    [Fact]
    public async Task A_failed_archive_fails_the_batch_and_stores_no_rollup()
    {
        var archive = new RecordingArchive { Fail = true };
        await using var bed = new AnalyticsTestBed(archive);

        await Assert.ThrowsAsync<IOException>(() => bed.Ingest.HandleAsync(Records([Event("t", "1", "x", Morning, "p1")])));

        Assert.Equal(0, (await bed.DayAsync("t", Today)).Events);
    }

    [Fact]
    public async Task The_rollups_are_folded_while_the_archive_writes_but_commit_only_after_it_finished()
    {
        await using var run = await GatedRun.StartAsync();

        // The day items are read (the fold is under way) while the archive is still writing, yet nothing commits.
        await WaitUntil(() => run.Store.Reads > 0);
        Assert.Equal(0, run.Store.Transactions);
        Assert.False(run.Handling.IsCompleted);

        run.Archive.Release.SetResult();
        Assert.Equal(50, (await run.Handling).Applied);
        Assert.Equal(1, run.Store.Transactions);
    }

    [Fact]
    public async Task An_archive_that_fails_after_the_fold_fails_the_batch_and_stores_no_rollup()
    {
        await using var run = await GatedRun.StartAsync();
        await WaitUntil(() => run.Store.Reads > 0);
        run.Archive.Release.SetException(new IOException("bucket gone"));

        await Assert.ThrowsAsync<IOException>(() => run.Handling);
        Assert.Equal(0, run.Store.Transactions);
        Assert.Equal(0, (await run.Bed.DayAsync("t", Today)).Events);
    }

    [Fact]
    public async Task A_batch_whose_store_fails_during_the_archive_returns_only_after_the_archive_ended()
    {
        await using var run = await GatedRun.StartAsync(failReads: true);
        await WaitUntil(() => run.Store.Reads > 0);

        // The store failed, but the batch may be delivered again only once its archive write is over.
        await Task.Delay(50);
        Assert.False(run.Handling.IsCompleted);
        run.Archive.Release.SetResult();
        await Assert.ThrowsAsync<IOException>(() => run.Handling);
        Assert.Equal(0, run.Store.Transactions);
    }

    /// <summary>A batch of 50 events handed to an ingest whose archive writes until the test releases it.</summary>
    private sealed record GatedRun(AnalyticsTestBed Bed, GatedArchive Archive, CountingStore Store, Task<IngestBatchReport> Handling) : IAsyncDisposable
    {
        public static async Task<GatedRun> StartAsync(bool failReads = false)
        {
            var archive = new GatedArchive();
            var bed = new AnalyticsTestBed(archive);
            var store = new CountingStore(bed.Store) { FailReads = failReads };
            var handling = new AnalyticsIngest(store, bed.Time, archive).HandleAsync(Records(Stream("t", 50)));
            await archive.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return new GatedRun(bed, archive, store, handling);
        }

        public async ValueTask DisposeAsync()
        {
            Archive.Release.TrySetResult();
            await Handling.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            await Bed.DisposeAsync();
        }
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    /// <summary>An archive that writes until the test releases it (or fails it).</summary>
    private sealed class GatedArchive : IEventArchive
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task ArchiveAsync(string batchId, IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default)
        {
            Started.TrySetResult();
            await Release.Task;
        }
    }

    /// <summary>The real store, counting the day-item reads and the transactions; optionally failing the reads of day items.</summary>
    private sealed class CountingStore(IDocumentStore store) : PassThroughStore(store)
    {
        private int _reads;
        private int _transactions;

        public bool FailReads { get; init; }

        public int Reads => Volatile.Read(ref _reads);

        public int Transactions => Volatile.Read(ref _transactions);

        public override async Task<StoredItem?> GetAsync(ItemKey key, CancellationToken cancellationToken = default)
        {
            if (key.SortKey.StartsWith(AnalyticsKeys.DayPrefix, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _reads);
                if (FailReads)
                {
                    throw new IOException("disk gone");
                }
            }

            return await base.GetAsync(key, cancellationToken);
        }

        public override Task<TransactionResult> TransactAsync(Transaction transaction, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _transactions);
            return base.TransactAsync(transaction, cancellationToken);
        }
    }

    private sealed class RecordingArchive : IEventArchive
    {
        public List<(string Id, List<BackendEvent> Events, bool RollupsExisted)> Batches { get; } = [];

        public IDocumentStore? Store { get; set; }

        public bool Fail { get; set; }

        public async Task ArchiveAsync(string batchId, IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default)
        {
            if (Fail)
            {
                throw new IOException("archive down");
            }

            var existed = Store is not null && await Store.GetAsync(new("t", AnalyticsKeys.Partition, AnalyticsKeys.Day(Today)), cancellationToken) is not null;
            Batches.Add((batchId, events.ToList(), existed));
        }
    }

    /// <summary>The real store, with another consumer's write slipped in before transactions, or a transaction that fails.</summary>
    private sealed class InterferingStore(IDocumentStore store, TimeProvider time) : PassThroughStore(store)
    {
        private readonly AnalyticsIngest _racer = new(store, time);
        private long _racerOffset;

        public int RacesBeforeEachTransaction { get; set; }

        public int FailTransactions { get; set; }

        public int Transactions { get; private set; }

        private int _racesLeft = -1;

        public override async Task<TransactionResult> TransactAsync(Transaction transaction, CancellationToken cancellationToken = default)
        {
            Transactions++;
            if (FailTransactions > 0)
            {
                FailTransactions--;
                throw new IOException("disk gone");
            }

            if (_racesLeft < 0)
            {
                _racesLeft = RacesBeforeEachTransaction;
            }

            if (_racesLeft > 0)
            {
                _racesLeft = _racesLeft == int.MaxValue ? int.MaxValue : _racesLeft - 1;
                var racer = Event("t", "racer-" + _racerOffset, "racer", Morning, "racer");
                await _racer.HandleAsync(Records([racer], _racerOffset++, topic: "other"), cancellationToken);
            }
            else
            {
                _racesLeft = -1;
            }

            return await base.TransactAsync(transaction, cancellationToken);
        }
    }

    /// <summary>A store that passes every call to the real one; the test stores above change what they watch.</summary>
    private abstract class PassThroughStore(IDocumentStore inner) : IDocumentStore
    {
        public virtual Task<StoredItem?> GetAsync(ItemKey key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

        public virtual Task<TransactionResult> TransactAsync(Transaction transaction, CancellationToken cancellationToken = default) =>
            inner.TransactAsync(transaction, cancellationToken);

        public Task<WriteResult> CreateAsync(NewItem item, CancellationToken cancellationToken = default) => inner.CreateAsync(item, cancellationToken);

        public Task<WriteResult> ReplaceAsync(NewItem item, string expectedVersion, CancellationToken cancellationToken = default) =>
            inner.ReplaceAsync(item, expectedVersion, cancellationToken);

        public Task<WriteResult> DeleteAsync(ItemKey key, string expectedVersion, CancellationToken cancellationToken = default) =>
            inner.DeleteAsync(key, expectedVersion, cancellationToken);

        public Task<QueryPage> QueryAsync(Query query, CancellationToken cancellationToken = default) => inner.QueryAsync(query, cancellationToken);
    }
}
