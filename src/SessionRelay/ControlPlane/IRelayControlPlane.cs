using GameBackend.Core.Sessions;

namespace GameBackend.SessionRelay.ControlPlane;

/// <summary>
/// What a relay tells the backend about one title it serves, every few seconds: the backend's own heartbeat record
/// (<see cref="RelayHeartbeat"/>, in Core, the same type the registry validates and the HTTP route carries), so the two
/// sides of the contract share one definition. Capacity and load are in sessions, across titles, because the registry
/// counts each match it allocates as one unit of load until the next heartbeat (docs/relays.md); sessions and members are
/// this title's; events are this title's session lifecycle events since the last accepted heartbeat (at most 1000).
/// </summary>
public sealed record HeartbeatReport(string TitleId, RelayHeartbeat Heartbeat);

/// <summary>The backend's answer: the title's active relay keys and when to beat next.</summary>
public sealed record HeartbeatAnswer(IReadOnlyList<RelayKey> RelayKeys, double HeartbeatSeconds);

/// <summary>
/// The backend as a relay sees it: where heartbeats (registration, load, draining, session events) go and where
/// fresh relay keys come from. The container talks HTTP (<see cref="HttpRelayControlPlane"/>); Hosts.Local plugs in an
/// in-process one that reads keys from the title service directly.
/// </summary>
public interface IRelayControlPlane
{
    /// <summary>
    /// Sends one title's heartbeat, authenticated with one of <paramref name="keys"/> (the title's keys this relay holds).
    /// Throws <see cref="RelayControlPlaneException"/> (or an I/O exception) when the backend did not accept it; the
    /// relay then keeps its keys and events and tries again at the next beat.
    /// </summary>
    Task<HeartbeatAnswer> HeartbeatAsync(HeartbeatReport heartbeat, IReadOnlyList<RelayKey> keys, CancellationToken cancellationToken);
}

/// <summary>The backend refused or could not take a heartbeat.</summary>
public sealed class RelayControlPlaneException : Exception
{
    public RelayControlPlaneException()
    {
    }

    public RelayControlPlaneException(string message)
        : base(message)
    {
    }

    public RelayControlPlaneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>No backend: the relay runs on its configured keys and sends nothing (a relay without BackendUrl).</summary>
public sealed class NoRelayControlPlane : IRelayControlPlane
{
    public Task<HeartbeatAnswer> HeartbeatAsync(HeartbeatReport heartbeat, IReadOnlyList<RelayKey> keys, CancellationToken cancellationToken) =>
        Task.FromException<HeartbeatAnswer>(new RelayControlPlaneException("No control plane is configured."));
}
