namespace GameBackend.Core.Events;

/// <summary>
/// The event-bus port. <see cref="PublishAsync"/> returns once the bus has accepted every event (a Kafka broker
/// acknowledged it, or the in-process queue holds it); it throws <see cref="EventBusUnavailableException"/> when it
/// cannot, so a caller never believes an event was sent when it was not.
/// </summary>
public interface IEventBus
{
    ValueTask PublishAsync(IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default);
}

/// <summary>Handles events taken off the in-process bus (the Kafka consumer group plays this role in the clouds).</summary>
public interface IEventConsumer
{
    ValueTask ConsumeAsync(IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken);
}

/// <summary>The bus did not accept the events; nothing was published and the caller may retry.</summary>
public sealed class EventBusUnavailableException : Exception
{
    public EventBusUnavailableException()
    {
    }

    public EventBusUnavailableException(string message)
        : base(message)
    {
    }

    public EventBusUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
