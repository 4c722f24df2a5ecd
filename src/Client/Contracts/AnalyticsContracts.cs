using System;
using System.Collections.Generic;

namespace GameBackend.Client;

/// <summary>
/// One telemetry event (docs/analytics.md, "Sending events"). The id is made here, once: keep the object (or its
/// id) until the backend accepted it, and send it again as it is, so a resend is counted once. Properties are flat:
/// string (at most 256 characters), number, bool or null values, at most 32 of them.
/// </summary>
public sealed class TelemetryEvent
{
    public TelemetryEvent(string name, IReadOnlyDictionary<string, object?>? properties = null, string? sessionId = null, DateTimeOffset? time = null, string? id = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("An event needs a name.", nameof(name));
        }

        Name = name;
        Properties = properties;
        SessionId = sessionId;
        Time = time ?? DateTimeOffset.UtcNow;
        Id = id ?? Guid.NewGuid().ToString("N");
    }

    /// <summary>Unique per player (1–64 of A-Z, a-z, 0-9, _ and -); the same on every resend.</summary>
    public string Id { get; }

    /// <summary>^[a-z][a-z0-9_]{0,63}$, not one of the backend's own names (signed_in, session_started, …).</summary>
    public string Name { get; }

    /// <summary>When it happened; within 7 days before and 5 minutes after the backend's clock.</summary>
    public DateTimeOffset Time { get; }

    public string? SessionId { get; }

    public IReadOnlyDictionary<string, object?>? Properties { get; }
}

/// <summary>An event the backend refused: its index in the list given to SendEventsAsync, its id, the code (docs/errors.md, "Telemetry events") and the member at fault.</summary>
public sealed record TelemetryEventRejection(int Index, string? Id, string Code, string? Field, string Detail);

/// <summary>How many events the backend accepted (they are on its event bus) and which it refused, and why.</summary>
public sealed record SendEventsResult(int Accepted, IReadOnlyList<TelemetryEventRejection> Rejected);

internal sealed record SendEventsResponse(int Accepted, List<TelemetryEventRejection> Rejected);
