using GameBackend.Core.Sessions;
using GameBackend.Core.Tenancy;
using GameBackend.SessionRelay;
using GameBackend.SessionRelay.ControlPlane;

namespace GameBackend.Hosts.Local;

/// <summary>
/// The in-process relay's control plane: the same registry the HTTP heartbeat route feeds (so matchmaking allocates
/// to this relay, and its session events reach the event bus with the same ids), minus HTTP and signatures, and relay
/// keys straight from the title service (no configured secrets, so a title made through the API is served at once).
/// A title id the store does not know gets an empty key list, which keeps the relay from serving it and costs a forger
/// one cached read per early heartbeat round at most.
/// </summary>
internal sealed class LocalRelayControlPlane(TitleService titles, RelayRegistry registry, TimeProvider time) : IRelayControlPlane
{
    public async Task<HeartbeatAnswer> HeartbeatAsync(HeartbeatReport heartbeat, IReadOnlyList<RelayKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        var title = await titles.EnsureRelayKeyAsync(heartbeat.TitleId, cancellationToken);
        if (!title.IsSuccess)
        {
            return new HeartbeatAnswer([], RelayRegistry.HeartbeatInterval.TotalSeconds);
        }

        var registered = await registry.HeartbeatAsync(
            heartbeat.TitleId,
            heartbeat.Heartbeat,
            time.GetUtcNow(),
            cancellationToken);
        if (!registered.IsSuccess)
        {
            // The relay keeps its events and sends them again with the next heartbeat.
            throw new RelayControlPlaneException($"The registry refused the heartbeat: {registered.Error.Code} {registered.Error.Message}");
        }

        var active = title.Value.ActiveRelayKeys.Select(static k => new RelayKey(k.KeyId, k.Secret)).ToList();

        return new HeartbeatAnswer(active, RelayRegistry.HeartbeatInterval.TotalSeconds);
    }
}
