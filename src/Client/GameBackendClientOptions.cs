using System;

namespace GameBackend.Client;

/// <summary>Where the backend is and how the client behaves; set once, before the client is made.</summary>
public sealed class GameBackendClientOptions
{
    /// <summary>The API's base address, for example <c>https://api.example.com/</c> (a path prefix is kept).</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The title's public client key (<c>gbc_…</c>). It ships in the game; the server key never does.</summary>
    public string? ClientKey { get; set; }

    /// <summary>
    /// Refresh the access token this long before it expires, so a call never carries a token that dies on the way.
    /// The expiry is measured on the client's monotonic clock from the server's <c>Date</c> header, so a device
    /// whose wall clock is wrong still refreshes on time.
    /// </summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of each HTTP call when the client makes its own <see cref="System.Net.Http.HttpClient"/>.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How many times <see cref="AnalyticsApi.SendEventsAsync"/> sends one request before it gives up on a transient
    /// failure (no response, 429, 503 <c>event_bus_unavailable</c>, other 5xx). Each attempt carries the same event ids.
    /// </summary>
    public int TelemetryMaxAttempts { get; set; } = 5;

    /// <summary>The longest wait between two attempts (Retry-After is honoured up to this; otherwise 0.5 s, doubling).</summary>
    public TimeSpan TelemetryMaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (TelemetryMaxAttempts < 1)
        {
            throw new ArgumentException("TelemetryMaxAttempts must be at least 1.", nameof(TelemetryMaxAttempts));
        }

        if (TelemetryMaxRetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException("TelemetryMaxRetryDelay cannot be negative.", nameof(TelemetryMaxRetryDelay));
        }

        if (BaseAddress is null || !BaseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("BaseAddress must be an absolute URI.", nameof(BaseAddress));
        }

        if (string.IsNullOrEmpty(ClientKey))
        {
            throw new ArgumentException("ClientKey is required (the title's public client key).", nameof(ClientKey));
        }

        if (RefreshBeforeExpiry < TimeSpan.Zero)
        {
            throw new ArgumentException("RefreshBeforeExpiry cannot be negative.", nameof(RefreshBeforeExpiry));
        }
    }
}

/// <summary>The session after a change: null when the player signed out or was signed out.</summary>
public sealed class SessionChangedEventArgs : EventArgs
{
    public SessionChangedEventArgs(PlayerSession? session)
    {
        Session = session;
    }

    public PlayerSession? Session { get; }
}
