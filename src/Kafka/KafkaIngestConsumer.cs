using System.Globalization;
using Confluent.Kafka;
using GameBackend.Core.Analytics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GameBackend.Kafka;

/// <summary>
/// The analytics ingest as a Kafka consumer group: takes batches (up to <see cref="KafkaOptions.MaxBatchRecords"/>
/// records or <see cref="KafkaOptions.MaxBatchWaitMs"/> after the first), hands them to <see cref="IEventRecordHandler"/>,
/// and commits the batch's offsets only after the handler returned, so a committed offset always means "stored".
/// </summary>
/// <remarks>
/// <para>Pipelined: while the handler stores one batch (on the thread pool), this consumer's thread reads the next
/// one, so reading records and storing them overlap. Batches are still handled one at a time and in order, and each is
/// committed before the next is handed over.</para>
/// <para>When the handler throws, nothing is committed: the consumer seeks back to the first offsets of the failed batch
/// and of the one read meanwhile, and delivers the same records again after a growing backoff, until the handler
/// succeeds. Crashes and rebalances also redeliver whatever was not committed; the handler makes a redelivered batch
/// change nothing.</para>
/// <para>On a revocation the consumer first lets the batch in the handler finish and commits it; the records read but
/// not yet handed over are dropped (the next owner reads them from the committed offset). So there is never a
/// handled-but-uncommitted batch to lose, except when a commit itself failed, and then the revocation commits it if it
/// can. librdkafka's consumer blocks, so the loop runs on its own thread, and every librdkafka call is made on it.</para>
/// <para>The consumer subscribes to one topic (<see cref="KafkaOptions.Topic"/>), so it asks librdkafka for no topic
/// name, timestamp or headers per record (<c>dotnet.consumer.consume.result.fields=none</c>): the handler reads none.</para>
/// </remarks>
public sealed class KafkaIngestConsumer : BackgroundService
{
    private readonly KafkaOptions _options;
    private readonly IEventRecordHandler _handler;
    private readonly ILogger _logger;

    // Touched only on the consumer thread (the rebalance callbacks run inside Consume and Close on that thread).
    private List<ConsumeResult<byte[], byte[]>> _batch = [];
    private List<ConsumeResult<byte[], byte[]>> _handling = [];
    private Task<IngestBatchReport>? _inHandler;
    private readonly Dictionary<TopicPartition, Offset> _uncommitted = [];
    private long _batchesCommitted;

    public KafkaIngestConsumer(IOptions<KafkaOptions> options, IEventRecordHandler handler, ILogger<KafkaIngestConsumer> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _handler = handler;
        _logger = logger;
    }

    /// <summary>Batches handled and committed so far (for tests and health checks).</summary>
    public long BatchesCommitted => Interlocked.Read(ref _batchesCommitted);

    /// <summary>Consumes until <paramref name="stoppingToken"/> fires, then leaves the group.</summary>
    public Task RunAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => RunAsync(stoppingToken);

    private void Run(CancellationToken stoppingToken)
    {
        var consumer = Build();
        try
        {
            var attempt = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                // The next batch is read while the handler stores the previous one.
                Fill(consumer, stoppingToken);
                if (_inHandler is not null)
                {
                    if (!Finish(consumer, stoppingToken, out var failure))
                    {
                        break;
                    }

                    if (failure is not null)
                    {
                        attempt++;
                        var backoff = Backoff(attempt);
                        var firstOffsets = FirstOffsets(_handling.Concat(_batch));
                        Log.BatchFailed(_logger, failure, _handling.Count, attempt, Describe(firstOffsets), backoff);
                        _handling.Clear();
                        _batch.Clear();
                        consumer = Rewind(consumer, firstOffsets);
                        stoppingToken.WaitHandle.WaitOne(backoff);
                        continue;
                    }

                    attempt = 0;
                }

                if (_batch.Count > 0 && !stoppingToken.IsCancellationRequested)
                {
                    Hand(stoppingToken);
                }
            }

            // Stopping: the batch in the handler is finished and, if it was stored, committed.
            if (_inHandler is not null)
            {
                Finish(consumer, stoppingToken, out _);
            }
        }
        finally
        {
            // Close leaves the group at once (no session timeout for the others to wait out); unhandled records stay
            // uncommitted for the next owner.
            WaitForHandler();
            _batch.Clear();
            try
            {
                consumer.Close();
            }
            catch (KafkaException ex)
            {
                Log.ConsumerError(_logger, ex.Error.Code.ToString(), ex.Error.Reason);
            }

            consumer.Dispose();
            Log.Stopped(_logger);
        }
    }

    /// <summary>Hands the batch read to the handler, on the thread pool; the consumer thread goes on reading.</summary>
    private void Hand(CancellationToken stoppingToken)
    {
        (_handling, _batch) = (_batch, _handling);
        var records = new EventRecord[_handling.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var r = _handling[i];
            records[i] = new EventRecord(_options.Topic, r.Partition.Value, r.Offset.Value, r.Message.Key ?? [], r.Message.Value ?? []);
        }

        _inHandler = Task.Run(() => _handler.HandleAsync(records, stoppingToken), CancellationToken.None);
    }

    /// <summary>
    /// Waits for the batch in the handler and commits it when it was stored. Returns false when the handler stopped
    /// because the consumer is stopping; otherwise <paramref name="failure"/> is the handler's exception, or null.
    /// </summary>
    private bool Finish(IConsumer<byte[], byte[]> consumer, CancellationToken stoppingToken, out Exception? failure)
    {
        failure = null;
        var handling = _inHandler!;
        _inHandler = null;
        IngestBatchReport report;
        try
        {
            report = handling.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _handling.Clear();
            return false;
        }
        catch (Exception ex)
        {
            failure = ex;
            return true;
        }

        foreach (var r in _handling)
        {
            _uncommitted[TopicPartitionOf(r)] = r.Offset + 1;
        }

        _handling.Clear();
        var committed = Commit(consumer, _uncommitted.Keys.ToList());
        if (committed is not null)
        {
            Interlocked.Increment(ref _batchesCommitted);
            Log.BatchCommitted(_logger, report.Records, report.Applied, report.Duplicates, report.Malformed, committed);
        }

        return true;
    }

    /// <summary>Lets a batch still in the handler end (its outcome is not used) before the consumer goes away.</summary>
    private void WaitForHandler()
    {
        if (_inHandler is { } handling)
        {
            _inHandler = null;
            _handling.Clear();
            Wait(handling);
        }
    }

    /// <summary>Blocks until the handler's task ended, whatever its outcome (read later, or not at all).</summary>
    private static void Wait(Task handling)
    {
        ((IAsyncResult)handling).AsyncWaitHandle.WaitOne();
        _ = handling.Exception;
    }

    /// <summary>
    /// Consumes until the batch is full, <see cref="KafkaOptions.MaxBatchWaitMs"/> after its first record, stop, or (while
    /// a batch is in the handler) the handler finished: so that batch is committed and the next handed over without
    /// waiting for this one to fill.
    /// </summary>
    private void Fill(IConsumer<byte[], byte[]> consumer, CancellationToken stoppingToken)
    {
        long deadline = long.MaxValue;
        while (_batch.Count < _options.MaxBatchRecords && !stoppingToken.IsCancellationRequested)
        {
            if (_inHandler is { IsCompleted: true })
            {
                return;
            }

            var wait = _batch.Count == 0 ? 250 : deadline - Environment.TickCount64;
            if (wait <= 0)
            {
                return;
            }

            ConsumeResult<byte[], byte[]>? result;
            try
            {
                // Short waits while the handler works, so its end is noticed soon.
                result = consumer.Consume((int)Math.Min(wait, _inHandler is null ? 250 : 10));
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                Log.ConsumeError(_logger, ex.Error.Code.ToString(), ex.Error.Reason);
                continue;
            }

            if (result is null || result.IsPartitionEOF)
            {
                if (_batch.Count == 0 && _inHandler is null)
                {
                    // An empty wait: return so the caller rechecks the stop token.
                    return;
                }

                continue;
            }

            if (_batch.Count == 0)
            {
                deadline = Environment.TickCount64 + _options.MaxBatchWaitMs;
            }

            _batch.Add(result);
        }
    }

    /// <summary>Commits the given partitions' handled offsets; returns what was committed, or null when the commit failed.</summary>
    private string? Commit(IConsumer<byte[], byte[]> consumer, IReadOnlyCollection<TopicPartition> partitions)
    {
        var offsets = partitions.Where(_uncommitted.ContainsKey).Select(tp => new TopicPartitionOffset(tp, _uncommitted[tp])).ToList();
        if (offsets.Count == 0)
        {
            return string.Empty;
        }

        try
        {
            consumer.Commit(offsets);
            foreach (var o in offsets)
            {
                _uncommitted.Remove(o.TopicPartition);
            }

            return Describe(offsets);
        }
        catch (KafkaException ex)
        {
            // Kept: the next commit (or the revocation of these partitions) tries again. If another member owns them
            // by then, it reads them from the older committed offset and the handler skips what it already applied.
            Log.CommitFailed(_logger, ex, Describe(offsets));
            return null;
        }
    }

    private List<TopicPartitionOffset> FirstOffsets(IEnumerable<ConsumeResult<byte[], byte[]>> records)
    {
        var first = new Dictionary<TopicPartition, Offset>();
        foreach (var r in records)
        {
            var tp = TopicPartitionOf(r);
            if (!first.TryGetValue(tp, out var o) || r.Offset < o)
            {
                first[tp] = r.Offset;
            }
        }

        return first.Select(p => new TopicPartitionOffset(p.Key, p.Value)).ToList();
    }

    /// <summary>Records carry no topic name (see the remarks): the one subscribed topic is theirs.</summary>
    private TopicPartition TopicPartitionOf(ConsumeResult<byte[], byte[]> record) => new(_options.Topic, record.Partition);

    /// <summary>Moves the consumer back to a failed batch's first offsets so the same records come again.</summary>
    private IConsumer<byte[], byte[]> Rewind(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> firstOffsets)
    {
        try
        {
            foreach (var offset in firstOffsets)
            {
                consumer.Seek(offset);
            }

            return consumer;
        }
        catch (KafkaException ex)
        {
            // Seek failed (the partition is mid-rebalance): a new member resumes from the committed offsets, which are
            // at or before the failed batch, so no record is skipped.
            Log.SeekFailed(_logger, ex, Describe(firstOffsets));
            try
            {
                consumer.Close();
            }
            catch (KafkaException closeError)
            {
                Log.ConsumerError(_logger, closeError.Error.Code.ToString(), closeError.Error.Reason);
            }

            consumer.Dispose();
            return Build();
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var seconds = _options.RetryBackoffSeconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        return TimeSpan.FromSeconds(Math.Min(seconds, _options.MaxRetryBackoffSeconds));
    }

    private IConsumer<byte[], byte[]> Build()
    {
        var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfig.Consumer(_options))
            .SetErrorHandler((_, error) =>
            {
                if (KafkaClientConfig.IsWorthAWarning(error))
                {
                    Log.ConsumerError(_logger, error.Code.ToString(), error.Reason);
                }
            })
            .SetLogHandler((_, message) => Log.Librdkafka(_logger, message.Level.ToString(), message.Facility, message.Message))
            .SetPartitionsAssignedHandler((_, partitions) => Log.Assigned(_logger, Describe(partitions)))
            .SetPartitionsRevokedHandler(OnRevoked)
            .SetPartitionsLostHandler(OnLost)
            .Build();
        consumer.Subscribe(_options.Topic);
        Log.Subscribed(_logger, _options.Topic, _options.GroupId);
        return consumer;
    }

    private void OnRevoked(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> partitions)
    {
        var revoked = partitions.Select(p => p.TopicPartition).ToHashSet();

        // The batch in the handler ends first and, if it was stored, is committed while these partitions are still ours.
        // If it failed, the main loop rewinds the partitions that stay; the revoked ones go to their next owner as they are.
        if (_inHandler is { } handling)
        {
            Wait(handling);
            if (handling.IsCompletedSuccessfully)
            {
                Finish(consumer, CancellationToken.None, out _);
            }
            else
            {
                _handling.RemoveAll(r => revoked.Contains(TopicPartitionOf(r)));
            }
        }

        // Commit what was handled but not yet committed (only after a failed commit); drop the rest.
        Commit(consumer, revoked);
        foreach (var tp in revoked)
        {
            _uncommitted.Remove(tp);
        }

        var dropped = _batch.RemoveAll(r => revoked.Contains(TopicPartitionOf(r)));
        Log.Revoked(_logger, Describe(partitions), dropped);
    }

    private void OnLost(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> partitions)
    {
        // Lost means another member may own them already: committing now could move its offsets backwards or forwards.
        // The batch in the handler may go on storing them (the handler makes that harmless); its offsets of these
        // partitions are neither committed nor rewound.
        var lost = partitions.Select(p => p.TopicPartition).ToHashSet();
        foreach (var tp in lost)
        {
            _uncommitted.Remove(tp);
        }

        _handling.RemoveAll(r => lost.Contains(TopicPartitionOf(r)));
        var dropped = _batch.RemoveAll(r => lost.Contains(TopicPartitionOf(r)));
        Log.Lost(_logger, Describe(partitions), dropped);
    }

    private static string Describe(IEnumerable<TopicPartitionOffset> offsets) =>
        string.Join(", ", offsets.Select(o => string.Create(CultureInfo.InvariantCulture, $"{o.Topic}[{o.Partition.Value}]@{o.Offset.Value}")));

    private static string Describe(IEnumerable<TopicPartition> partitions) =>
        string.Join(", ", partitions.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Topic}[{p.Partition.Value}]")));
}
