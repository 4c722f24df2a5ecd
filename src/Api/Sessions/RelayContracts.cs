using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using GameBackend.Core.Sessions;

namespace GameBackend.Api.Sessions;

/// <summary>
/// A relay's heartbeat (<c>POST /v1/relays/heartbeat</c>): where clients reach it, how loaded it is, whether it drains,
/// and the session events since its last accepted heartbeat.
/// </summary>
public sealed record RelayHeartbeatRequest(
    string RelayId,
    string Region,
    string Endpoint,
    int Capacity,
    double Load,
    int Sessions,
    int Members,
    string Version,
    bool Draining,
    IReadOnlyList<RelaySessionEventRequest> Events)
{
    /// <summary>A null event is passed on as null so Core's validation names it (events[i]).</summary>
    public RelayHeartbeat ToHeartbeat() =>
        new(RelayId, Region, Endpoint, Capacity, Load, Sessions, Members, Version, Draining,
            Events.Select(e => e is null ? null! : new RelaySessionEvent(e.Name, e.SessionId, e.Time, e.Members, e.DurationSeconds)).ToList());
}

/// <summary>
/// A session event as a relay reports it. <see cref="Time"/> is an RFC 3339 date-time string or a number of Unix
/// seconds; <see cref="DurationSeconds"/> may be left out (or null) on <c>session_started</c>.
/// </summary>
public sealed record RelaySessionEventRequest(
    string Name,
    string SessionId,
    [property: JsonConverter(typeof(RelayEventTimeConverter))] DateTimeOffset Time,
    int Members,
    double? DurationSeconds = null);

/// <summary>The answer to a heartbeat: every active relay key of the title (so relays follow rotation) and the interval to keep.</summary>
public sealed record RelayHeartbeatResponse(IReadOnlyList<RelaySecretResponse> RelayKeys, int HeartbeatSeconds);

/// <summary>A relay key as a relay needs it: the id join tokens name and the secret, base64url.</summary>
public sealed record RelaySecretResponse(string KeyId, string Secret);

/// <summary>A live relay as the registry holds it; <see cref="Healthy"/> = would take new matches now.</summary>
public sealed record RelayResponse(
    string RelayId,
    string Region,
    string Endpoint,
    int Capacity,
    double Load,
    int Sessions,
    int Members,
    string Version,
    bool Draining,
    bool Healthy,
    DateTimeOffset LastHeartbeatAt,
    DateTimeOffset ExpiresAt)
{
    public static RelayResponse From(RegisteredRelay relay, DateTimeOffset now) => new(
        relay.RelayId, relay.Region, relay.Endpoint, relay.Capacity, relay.Load, relay.Sessions, relay.Members, relay.Version,
        relay.Draining, relay.IsHealthyAt(now), relay.LastHeartbeatAt, relay.ExpiresAt);
}

public sealed record RelayListResponse(IReadOnlyList<RelayResponse> Items);

/// <summary>
/// An event's time: an RFC 3339 string (what the rest of the API uses), or Unix seconds as a number (what a relay has at
/// hand without formatting). Both are unambiguous, and taking both spares relays written in other languages a pitfall.
/// </summary>
public sealed class RelayEventTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetDateTimeOffset();
            case JsonTokenType.Number when reader.TryGetDouble(out var seconds) && double.IsFinite(seconds):
                var milliseconds = Math.Round(seconds * 1000);
                if (milliseconds < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || milliseconds > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
                {
                    throw new JsonException("The time is out of range.");
                }

                return DateTimeOffset.FromUnixTimeMilliseconds((long)milliseconds);
            default:
                throw new JsonException("A time is an RFC 3339 string or a number of Unix seconds.");
        }
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.ToString("O", CultureInfo.InvariantCulture));
    }
}
