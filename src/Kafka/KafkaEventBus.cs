using Confluent.Kafka;
using GameBackend.Core.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace GameBackend.Kafka;

/// <summary>
/// The event bus of cloud deployments: every event becomes one Kafka record (key <see cref="EventWire.Key"/>, value
/// <see cref="EventWire.Encode"/>) on one topic, so a player's events land in one partition in order.
/// </summary>
/// <remarks>
/// <para>The producer is idempotent with <c>acks=all</c>: a record is acknowledged once every in-sync replica has it,
/// and librdkafka's retries never write it twice. <see cref="PublishAsync"/> hands all of a call's records to the
/// producer without waiting in between (one delivery handler and one completion per call, not one await per record,
/// which is what lets a few ms of linger fill large compressed batches) and returns only when every one of them is
/// acknowledged. If any fails or the publish timeout passes first, it throws <see cref="EventBusUnavailableException"/>;
/// records of that call may still have been written (at least once), which is why consumers deduplicate by event id.</para>
/// <para>A fatal producer error (the idempotence state could not be recovered) makes the next publish build a new producer.</para>
/// </remarks>
public sealed partial class KafkaEventBus : IEventBus, IDisposable
{
    private readonly KafkaOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Action<string>? _statistics;
    private IProducer<byte[], byte[]> _producer;
    private volatile bool _fatal;
    private bool _disposed;

    public KafkaEventBus(IOptions<KafkaOptions> options, ILogger<KafkaEventBus> logger)
        : this(options, logger, statistics: null)
    {
    }

    /// <summary>With a receiver of librdkafka's statistics JSON (set <c>statistics.interval.ms</c>): the benchmark reads bytes sent.</summary>
    internal KafkaEventBus(IOptions<KafkaOptions> options, ILogger<KafkaEventBus> logger, Action<string>? statistics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _logger = logger;
        _statistics = statistics;
        _producer = Build();
    }

    public async ValueTask PublishAsync(IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        cancellationToken.ThrowIfCancellationRequested();
        if (events.Count == 0)
        {
            return;
        }

        var producer = CurrentProducer();
        var call = new PublishCall(events.Count);
        var timeout = _options.PublishTimeout;
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var message = new Message<byte[], byte[]> { Key = EventWire.Key(e), Value = EventWire.Encode(e) };
            if (!await ProduceAsync(producer, message, call, deadline, cancellationToken))
            {
                Log.PublishFailed(_logger, events.Count, call.Error ?? "the local producer queue stayed full");
                throw new EventBusUnavailableException($"Kafka did not accept the events: {call.Error ?? "the producer queue stayed full"}.");
            }
        }

        bool acknowledged;
        try
        {
            var remaining = TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));

            // librdkafka times the records out itself at the same moment (message.timeout.ms); this wait is the backstop.
            acknowledged = await call.Completion.WaitAsync(remaining + TimeSpan.FromMilliseconds(500), cancellationToken);
        }
        catch (TimeoutException)
        {
            acknowledged = false;
            call.Fail("timed out waiting for acknowledgements");
        }

        if (!acknowledged)
        {
            Log.PublishFailed(_logger, events.Count, call.Error ?? "unknown");
            throw new EventBusUnavailableException($"Kafka did not acknowledge every event: {call.Error}.");
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for every record handed to the producer to be acknowledged or failed.</summary>
    public int Flush(TimeSpan timeout)
    {
        var producer = _producer;
        return producer.Flush(timeout);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        try
        {
            // Publishers that are still waiting get their outcome instead of a disposed handle.
            _producer.Flush(_options.PublishTimeout);
        }
        catch (KafkaException ex)
        {
            Log.FlushFailed(_logger, ex);
        }

        _producer.Dispose();
    }

    private async ValueTask<bool> ProduceAsync(
        IProducer<byte[], byte[]> producer, Message<byte[], byte[]> message, PublishCall call, long deadline, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                producer.Produce(_options.Topic, message, call.OnDelivered);
                return true;
            }
            catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                // The local queue drains as brokers acknowledge; wait for room, but not past the publish timeout.
                if (Environment.TickCount64 >= deadline)
                {
                    call.Fail("the local producer queue stayed full");
                    return false;
                }

                await Task.Delay(1, cancellationToken);
            }
            catch (KafkaException ex)
            {
                call.Fail(ex.Error.Reason);
                if (ex.Error.IsFatal)
                {
                    _fatal = true;
                }

                return false;
            }
        }
    }

    private IProducer<byte[], byte[]> CurrentProducer()
    {
        if (!_fatal)
        {
            return _producer;
        }

        IProducer<byte[], byte[]> old;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_fatal)
            {
                return _producer;
            }

            old = _producer;
            _producer = Build();
            _fatal = false;
        }

        Log.ProducerRebuilt(_logger);
        old.Dispose();
        return _producer;
    }

    private IProducer<byte[], byte[]> Build()
    {
        var builder = new ProducerBuilder<byte[], byte[]>(KafkaClientConfig.Producer(_options))
            .SetErrorHandler((_, error) =>
            {
                if (error.IsFatal)
                {
                    _fatal = true;
                    Log.ProducerFatal(_logger, error.Code.ToString(), error.Reason);
                }
                else if (KafkaClientConfig.IsWorthAWarning(error))
                {
                    Log.ProducerError(_logger, error.Code.ToString(), error.Reason);
                }
            })
            .SetLogHandler((_, message) => Log.Librdkafka(_logger, message.Level.ToString(), message.Facility, message.Message));
        if (_statistics is { } statistics)
        {
            builder.SetStatisticsHandler((_, json) => statistics(json));
        }

        return builder.Build();
    }

    /// <summary>One <see cref="PublishAsync"/> call: counts its outstanding acknowledgements down to one completion.</summary>
    private sealed class PublishCall
    {
        private readonly TaskCompletionSource<bool> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _pending;
        private string? _error;

        public PublishCall(int count)
        {
            _pending = count;
            OnDelivered = Delivered;
        }

        public Action<DeliveryReport<byte[], byte[]>> OnDelivered { get; }

        public Task<bool> Completion => _completion.Task;

        public string? Error => Volatile.Read(ref _error);

        public void Fail(string error)
        {
            Interlocked.CompareExchange(ref _error, error, null);
            _completion.TrySetResult(false);
        }

        private void Delivered(DeliveryReport<byte[], byte[]> report)
        {
            if (report.Error.IsError)
            {
                Fail(report.Error.Reason);
            }

            if (Interlocked.Decrement(ref _pending) == 0)
            {
                _completion.TrySetResult(Volatile.Read(ref _error) is null);
            }
        }
    }
}
