using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace GameBackend.Core.Events;

/// <summary>
/// Publishes the backend's own events after the write they describe has committed (a sign-in, a score, a relay
/// heartbeat). The write is what the caller asked for and it stands, so a bus that refuses or does not answer within
/// <see cref="Timeout"/> must not turn it into a failure: the events are logged and counted as dropped instead
/// (metric <c>gamebackend.events.dropped</c>, tagged by event name). There is no outbox: an event lost this way is
/// lost, which the analytics can afford and a sign-in's latency could not.
/// </summary>
public sealed partial class BestEffortEventPublisher
{
    /// <summary>How long a publish may hold up the request it follows.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    private static readonly Meter Meter = new("GameBackend.Events");
    private static readonly Counter<long> DroppedCounter = Meter.CreateCounter<long>(
        "gamebackend.events.dropped", "{event}", "Backend events that the event bus did not accept after their write committed.");

    private readonly TimeProvider _time;
    private readonly ILogger<BestEffortEventPublisher> _logger;
    private long _dropped;

    public BestEffortEventPublisher(IEventBus bus, TimeProvider time, ILogger<BestEffortEventPublisher> logger, TimeSpan? timeout = null)
    {
        Bus = bus ?? throw new ArgumentNullException(nameof(bus));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        Timeout = timeout ?? DefaultTimeout;
    }

    /// <summary>The bus underneath, for the callers that must know whether their events were accepted.</summary>
    public IEventBus Bus { get; }

    public TimeSpan Timeout { get; }

    /// <summary>Events this instance dropped so far.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// One publish of <paramref name="events"/>; true when the bus accepted them, false when it refused or timed out
    /// (logged and counted). Only the caller's own cancellation throws.
    /// </summary>
    public async ValueTask<bool> PublishAsync(IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await Bus.PublishAsync(events, linked.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Drop(events, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // EventBusUnavailableException is the expected refusal; anything else is a bus bug, but the write stands either way.
            Drop(events, ex);
        }

        return false;
    }

    private void Drop(IReadOnlyList<BackendEvent> events, Exception? exception)
    {
        Interlocked.Add(ref _dropped, events.Count);
        foreach (var e in events)
        {
            DroppedCounter.Add(1, new KeyValuePair<string, object?>("event", e.Name));
        }

        EventsDropped(_logger, exception, events.Count, events[0].Name, events[0].TitleId);
    }

    [LoggerMessage(EventId = 6000, Level = LogLevel.Warning,
        Message = "The event bus did not accept {Count} backend event(s) (first: {EventName} of title {TitleId}); they are dropped, the write they describe stands")]
    private static partial void EventsDropped(ILogger logger, Exception? exception, int count, string eventName, string titleId);
}
