using System.Threading.Channels;
using GameBackend.Core.Analytics;
using GameBackend.Core.Common;
using GameBackend.Core.Events;

namespace GameBackend.Hosts.Local;

/// <summary>
/// Hosts.Local's stand-in for a Kafka consumer group: takes the in-process bus's events, numbers them as records of one
/// log (topic <c>inprocess-{epoch}</c>, partition 0, offsets from 0) and hands them to the analytics ingest handler in
/// batches of up to <see cref="MaxBatch"/>, so the store sees few, large transactions.
/// </summary>
/// <remarks>
/// <para>The epoch is a fresh time-ordered id per process, so a new process's offsets never meet an old checkpoint.</para>
/// <para>The bus counts a consumer's exception and moves on, which would lose the batch; so this consumer never throws
/// for a failed batch. It keeps the batch and retries it (the same records, same offsets: the handler's checkpoint makes
/// a retry after a partial success exact) with backoff until the host stops. Its own queue is bounded, so while it
/// retries the bus fills up and publishers get <see cref="EventBusUnavailableException"/> (503) instead of events being
/// dropped. What is queued in memory when the process stops is lost, as with the bus itself.</para>
/// </remarks>
internal sealed partial class InProcessAnalyticsConsumer : BackgroundService, IEventConsumer
{
    public const int MaxBatch = 4096;
    public const int QueueCapacity = 4 * MaxBatch;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    private readonly Channel<BackendEvent> _queue = Channel.CreateBounded<BackendEvent>(new BoundedChannelOptions(QueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });

    private readonly IEventRecordHandler _handler;
    private readonly ILogger<InProcessAnalyticsConsumer> _logger;
    private long _nextOffset;
    private long _handled;
    private long _failures;

    public InProcessAnalyticsConsumer(IEventRecordHandler handler, TimeProvider time, ILogger<InProcessAnalyticsConsumer> logger)
    {
        _handler = handler;
        _logger = logger;
        Topic = "inprocess-" + Ids.NewId(time);
    }

    /// <summary>This process's log name.</summary>
    public string Topic { get; }

    /// <summary>Events whose batch the handler stored.</summary>
    public long Handled => Interlocked.Read(ref _handled);

    /// <summary>Attempts that failed and were retried.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public async ValueTask ConsumeAsync(IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            await _queue.Writer.WriteAsync(e, cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<EventRecord>(MaxBatch);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var e))
                {
                    batch.Add(new EventRecord(Topic, 0, _nextOffset++, EventWire.Key(e), EventWire.Encode(e)));
                }

                await HandleUntilStoredAsync(batch, stoppingToken);
                Interlocked.Add(ref _handled, batch.Count);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task HandleUntilStoredAsync(List<EventRecord> batch, CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        while (true)
        {
            try
            {
                var report = await _handler.HandleAsync(batch, stoppingToken);
                if (report.Malformed > 0)
                {
                    Malformed(_logger, report.Malformed, batch[0].Offset, batch[^1].Offset);
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failures);
                BatchFailed(_logger, batch.Count, batch[0].Offset, batch[^1].Offset, delay.TotalSeconds, ex);

                // Real time, not the injected clock: this paces retries against a failing store, it is not business time.
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning,
        Message = "Analytics: {Count} events (offsets {First}–{Last}) were not stored; trying again in {DelaySeconds:F1} s")]
    private static partial void BatchFailed(ILogger logger, int count, long first, long last, double delaySeconds, Exception exception);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Analytics: {Count} records of offsets {First}–{Last} were not events")]
    private static partial void Malformed(ILogger logger, int count, long first, long last);
}
