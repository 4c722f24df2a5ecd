namespace GameBackend.SessionRelay.ControlPlane;

/// <summary>What a relay tells the backend about itself for one title, every few seconds.</summary>
/// <param name="TitleId">The title this heartbeat speaks for (one heartbeat per served title).</param>
/// <param name="RelayId">Stable id of this relay in the registry.</param>
/// <param name="Region">Where the relay runs; matches are allocated within a region.</param>
/// <param name="Endpoint">The public UDP <c>host:port</c> clients send to.</param>
/// <param name="Capacity">Sessions this relay can hold at once, across titles (<see cref="RelayOptions.MaxSessions"/>).</param>
/// <param name="Load">Sessions open now, across titles (a number in <paramref name="Capacity"/>'s unit). Sessions are the
/// unit because the registry counts each match it allocates as one unit of load until the next heartbeat (docs/relays.md).</param>
/// <param name="Sessions">This title's sessions on this relay now.</param>
/// <param name="Members">This title's members on this relay now.</param>
/// <param name="Version">The relay's build version.</param>
/// <param name="Draining">True once the relay takes no new sessions: allocate nothing more here.</param>
/// <param name="Events">Session lifecycle events of this title since the last accepted heartbeat (at most 1000).</param>
public sealed record HeartbeatReport(
    string TitleId,
    string RelayId,
    string Region,
    string Endpoint,
    int Capacity,
    double Load,
    int Sessions,
    int Members,
    string Version,
    bool Draining,
    IReadOnlyList<SessionLifecycleEvent> Events);

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
