using System;

namespace GameBackend.Client.Relay;

/// <summary>How a relay client joins and buffers; the defaults follow docs/relay-protocol.md.</summary>
public sealed class RelayClientOptions
{
    /// <summary>JOINs sent before giving up (the relay may need a moment to learn a new title's key).</summary>
    public int JoinAttempts { get; set; } = 12;

    /// <summary>The wait for JOINED or REFUSED after each JOIN.</summary>
    public TimeSpan JoinRetryInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Received payloads held until the game reads them. When full, the oldest is dropped (a real-time game wants
    /// the newest state) and counted in <see cref="RelayStatistics.DeliveriesDropped"/>. Buffers are pooled up front.
    /// </summary>
    public int ReceiveQueueCapacity { get; set; } = 256;

    /// <summary>
    /// How often to ping while the game sends nothing; null = a sixth of the relay's idle timeout, so a quiet member
    /// pings at least every third of it as the protocol asks.
    /// </summary>
    public TimeSpan? KeepAliveInterval { get; set; }

    internal void Validate()
    {
        if (JoinAttempts < 1)
        {
            throw new ArgumentException("JoinAttempts must be at least 1.", nameof(JoinAttempts));
        }

        if (JoinRetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("JoinRetryInterval must be positive.", nameof(JoinRetryInterval));
        }

        if (ReceiveQueueCapacity < 1)
        {
            throw new ArgumentException("ReceiveQueueCapacity must be at least 1.", nameof(ReceiveQueueCapacity));
        }

        if (KeepAliveInterval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new ArgumentException("KeepAliveInterval must be positive.", nameof(KeepAliveInterval));
        }
    }
}
