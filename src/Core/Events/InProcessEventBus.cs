using System.Threading.Channels;

namespace GameBackend.Core.Events;

/// <summary>
/// The event bus of a single process (Hosts.Local and tests): a bounded queue drained by <see cref="RunAsync"/>,
/// which hands batches to every registered <see cref="IEventConsumer"/>. Bounded, so a stalled consumer slows
/// publishers down (they wait up to the publish timeout, 5 s by default, then get <see cref="EventBusUnavailableException"/>)
/// instead of growing memory without end. Events still queued when the process stops are lost, as with any
/// in-memory queue; the clouds use Kafka.
/// </summary>
public sealed class InProcessEventBus : IEventBus
{
    public const int DefaultCapacity = 65_536;
    public const int MaxBatch = 512;

    public static readonly TimeSpan DefaultPublishTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<BackendEvent> _channel;
    private readonly IReadOnlyList<IEventConsumer> _consumers;
    private readonly TimeSpan _publishTimeout;
    private long _delivered;
    private long _consumerFailures;

    public InProcessEventBus(IEnumerable<IEventConsumer> consumers, int capacity = DefaultCapacity, TimeSpan? publishTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(consumers);
        _consumers = consumers.ToList();
        _publishTimeout = publishTimeout ?? DefaultPublishTimeout;
        _channel = Channel.CreateBounded<BackendEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    /// <summary>Events handed to the consumers so far (with no consumer registered, events are counted and dropped).</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Batches a consumer threw on (the consumer must log its own failures).</summary>
    public long ConsumerFailures => Interlocked.Read(ref _consumerFailures);

    public async ValueTask PublishAsync(IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_publishTimeout);
        try
        {
            foreach (var e in events)
            {
                await _channel.Writer.WriteAsync(e, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EventBusUnavailableException("The in-process event bus is full.");
        }
        catch (ChannelClosedException ex)
        {
            throw new EventBusUnavailableException("The in-process event bus is stopped.", ex);
        }
    }

    /// <summary>Delivers queued events in batches until <paramref name="stoppingToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        var batch = new List<BackendEvent>(MaxBatch);
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var e))
                {
                    batch.Add(e);
                }

                foreach (var consumer in _consumers)
                {
                    try
                    {
                        await consumer.ConsumeAsync(batch, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // One consumer's failure must not stop delivery to the others or to later batches.
                        Interlocked.Increment(ref _consumerFailures);
                    }
                }

                Interlocked.Add(ref _delivered, batch.Count);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
