using System.Collections.Concurrent;
using GameBackend.Core.Events;
using Microsoft.Extensions.Logging.Abstractions;

namespace GameBackend.Core.Tests.Support;

/// <summary>Records what was published, so tests can assert events.</summary>
public sealed class RecordingEventBus : IEventBus
{
    public ConcurrentQueue<BackendEvent> Events { get; } = new();

    public bool Unavailable { get; set; }

    public ValueTask PublishAsync(IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default)
    {
        if (Unavailable)
        {
            throw new EventBusUnavailableException("test: bus down");
        }

        foreach (var e in events)
        {
            Events.Enqueue(e);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A best-effort publisher over this bus, as the services that publish after a write use it.</summary>
    public BestEffortEventPublisher Publisher() => new(this, TimeProvider.System, NullLogger<BestEffortEventPublisher>.Instance);
}
