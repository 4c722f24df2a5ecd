using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Http;
using GameBackend.Client.Internal;

namespace GameBackend.Client;

/// <summary>
/// Telemetry: <see cref="SendEventsAsync"/> posts the player's events (docs/analytics.md, "Sending events"). The
/// backend judges each event on its own and acknowledges only what its event bus accepted, so a failure of the whole
/// request (no response, 429, 503 <c>event_bus_unavailable</c>) is retried with the same bytes, hence the same event
/// ids, and is counted once however many attempts it took.
/// </summary>
public sealed class AnalyticsApi
{
    /// <summary>Events per request, at most (the backend's limit); longer lists are sent in several requests.</summary>
    public const int MaxEventsPerRequest = 500;

    /// <summary>Bytes per request the SDK aims below (the backend's limit is 1 MiB), leaving room for the envelope.</summary>
    public const int MaxRequestBytes = 1_000_000;

    private const string Path = "v1/analytics/events";
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(500);
    private static readonly byte[] Prefix = { (byte)'{', (byte)'"', (byte)'e', (byte)'v', (byte)'e', (byte)'n', (byte)'t', (byte)'s', (byte)'"', (byte)':', (byte)'[' };
    private static readonly byte[] Suffix = { (byte)']', (byte)'}' };

    private readonly ApiTransport _transport;
    private readonly int _maxAttempts;
    private readonly TimeSpan _maxRetryDelay;

    internal AnalyticsApi(ApiTransport transport, int maxAttempts, TimeSpan maxRetryDelay)
    {
        _transport = transport;
        _maxAttempts = maxAttempts;
        _maxRetryDelay = maxRetryDelay;
    }

    /// <summary>
    /// Sends <paramref name="events"/> (in requests of at most 500 events and about 1 MB) and returns how many the
    /// backend accepted and which it refused (indexes are into <paramref name="events"/>). Refused events are bad
    /// input: sending them again will not help. A transient failure is retried up to
    /// <see cref="GameBackendClientOptions.TelemetryMaxAttempts"/> times; if it persists the last failure is thrown,
    /// and the game should keep the events and call again later with the same objects: events an earlier request
    /// already delivered carry the same ids and are counted once.
    /// </summary>
    /// <exception cref="ArgumentException">A property value is not a string, number, bool or null.</exception>
    public async Task<SendEventsResult> SendEventsAsync(IReadOnlyList<TelemetryEvent> events, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(events, nameof(events));
        var encoded = new byte[events.Count][];
        for (var i = 0; i < events.Count; i++)
        {
            encoded[i] = Encode(events[i] ?? throw new ArgumentException($"events[{i}] is null.", nameof(events)));
        }

        var accepted = 0;
        var rejected = new List<TelemetryEventRejection>();
        var start = 0;
        while (start < encoded.Length)
        {
            var end = start;
            var bytes = Prefix.Length + Suffix.Length;
            while (end < encoded.Length && end - start < MaxEventsPerRequest && (end == start || bytes + encoded[end].Length + 1 <= MaxRequestBytes))
            {
                bytes += encoded[end].Length + 1;
                end++;
            }

            var response = await SendWithRetriesAsync(Body(encoded, start, end, bytes), cancellationToken).ConfigureAwait(false);
            accepted += response.Accepted;
            foreach (var r in response.Rejected)
            {
                rejected.Add(r with { Index = r.Index + start });
            }

            start = end;
        }

        return new SendEventsResult(accepted, rejected);
    }

    private async Task<SendEventsResponse> SendWithRetriesAsync(byte[] body, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await _transport.SendAsync(HttpMethod.Post, Path, body, ClientJsonContext.Default.SendEventsResponse, cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (GameBackendException e) when (e.Code == ErrorCodes.NoValidEvents)
            {
                return new SendEventsResponse(0, RejectedOf(e));
            }
            catch (GameBackendException e) when (e.IsTransient && e is not GameBackendSignedOutException && attempt < _maxAttempts)
            {
                await Task.Delay(RetryDelay(e, attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan RetryDelay(GameBackendException failure, int attempt)
    {
        var delay = failure.RetryAfter ?? TimeSpan.FromTicks(FirstRetryDelay.Ticks << Math.Min(attempt - 1, 10));
        return delay < _maxRetryDelay ? delay : _maxRetryDelay;
    }

    private static List<TelemetryEventRejection> RejectedOf(GameBackendException e)
    {
        if (!e.Extensions.TryGetValue("rejected", out var json))
        {
            return new List<TelemetryEventRejection>();
        }

        try
        {
            return JsonSerializer.Deserialize(json, ClientJsonContext.Default.ListTelemetryEventRejection) ?? new List<TelemetryEventRejection>();
        }
        catch (JsonException ex)
        {
            throw new GameBackendException(e.Status, ErrorCodes.UnexpectedResponse, "The rejected events could not be read: " + ex.Message, innerException: ex);
        }
    }

    private static byte[] Body(byte[][] encoded, int start, int end, int length)
    {
        var body = new byte[length - 1]; // one comma fewer than events
        Prefix.CopyTo(body, 0);
        var at = Prefix.Length;
        for (var i = start; i < end; i++)
        {
            if (i > start)
            {
                body[at++] = (byte)',';
            }

            encoded[i].CopyTo(body, at);
            at += encoded[i].Length;
        }

        Suffix.CopyTo(body, at);
        return body;
    }

    private static byte[] Encode(TelemetryEvent e)
    {
        using var stream = new MemoryStream(128);
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("id", e.Id);
            writer.WriteString("name", e.Name);
            writer.WriteString("time", e.Time);
            if (e.SessionId is not null)
            {
                writer.WriteString("sessionId", e.SessionId);
            }

            if (e.Properties is { } properties)
            {
                writer.WriteStartObject("properties");
                foreach (var pair in properties)
                {
                    WriteValue(writer, pair.Key, pair.Value);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    /// <summary>The value types the backend accepts, written without reflection (IL2CPP, Native AOT).</summary>
    private static void WriteValue(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNull(key); break;
            case string s: writer.WriteString(key, s); break;
            case bool b: writer.WriteBoolean(key, b); break;
            case int i: writer.WriteNumber(key, i); break;
            case long l: writer.WriteNumber(key, l); break;
            case short s16: writer.WriteNumber(key, s16); break;
            case byte u8: writer.WriteNumber(key, u8); break;
            case uint u32: writer.WriteNumber(key, u32); break;
            case ulong u64: writer.WriteNumber(key, u64); break;
            case float f when !float.IsNaN(f) && !float.IsInfinity(f): writer.WriteNumber(key, f); break;
            case double d when !double.IsNaN(d) && !double.IsInfinity(d): writer.WriteNumber(key, d); break;
            case decimal m: writer.WriteNumber(key, m); break;
            default:
                throw new ArgumentException($"Property '{key}' is a {value.GetType().Name}; telemetry properties are strings, finite numbers, bools or null.", nameof(value));
        }
    }
}
