using System.Text.Json;
using System.Text.Json.Serialization;
using GameBackend.Core.Common;
using GameBackend.Core.Events;
using GameBackend.Core.Tenancy;
using GameBackend.SessionRelay;
using GameBackend.SessionRelay.ControlPlane;

namespace GameBackend.Hosts.Local;

/// <summary>
/// The in-process relay's control plane: relay keys come straight from the title service (no HTTP, no configured
/// secrets, so a title made through the API is served at once), and session lifecycle events go straight onto the
/// event bus for analytics. A title id the store does not know gets an empty key list, which keeps the relay from
/// serving it and costs a forger one point read per early heartbeat round at most.
/// </summary>
internal sealed class LocalRelayControlPlane(TitleService titles, IEventBus events, TimeProvider time) : IRelayControlPlane
{
    public async Task<HeartbeatAnswer> HeartbeatAsync(HeartbeatReport heartbeat, IReadOnlyList<RelayKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        var title = await titles.EnsureRelayKeyAsync(heartbeat.TitleId, cancellationToken);
        if (!title.IsSuccess)
        {
            return new HeartbeatAnswer([], HeartbeatSeconds);
        }

        if (heartbeat.Events.Count > 0)
        {
            var published = new List<BackendEvent>(heartbeat.Events.Count);
            foreach (var e in heartbeat.Events)
            {
                var properties = JsonSerializer.SerializeToElement(
                    new RelaySessionProperties(heartbeat.RelayId, e.Members, e.DurationSeconds),
                    LocalRelayJsonContext.Default.RelaySessionProperties);
                published.Add(new BackendEvent(heartbeat.TitleId, Ids.NewId(time), e.Name, e.Time, null, e.SessionId, properties));
            }

            // Throws when the bus is full; the relay keeps the events and sends them with the next heartbeat.
            await events.PublishAsync(published, cancellationToken);
        }

        var active = new List<RelayKey>();
        foreach (var key in title.Value.RelayKeys)
        {
            if (key.RetiredAt is null)
            {
                active.Add(new RelayKey(key.KeyId, key.Secret));
            }
        }

        return new HeartbeatAnswer(active, HeartbeatSeconds);
    }

    /// <summary>In process, a heartbeat costs a cached title read; five seconds bounds how long a rotated-out key lingers.</summary>
    private const double HeartbeatSeconds = 5;
}

/// <summary>The properties of a session_started / session_ended event on the bus.</summary>
internal sealed record RelaySessionProperties(string Relay, int Members, double DurationSeconds);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RelaySessionProperties))]
internal sealed partial class LocalRelayJsonContext : JsonSerializerContext;
