namespace GameBackend.Core.Sessions;

/// <summary>A relay a match can be hosted on: where players send their UDP datagrams.</summary>
public sealed record RelayServer(string RelayId, string Region, string Endpoint);

/// <summary>
/// The relay-allocation port matchmaking uses: pick the relay for a new match in a region. <see cref="RegistryRelayDirectory"/>
/// implements it over the relays that send heartbeats (load, capacity, draining), with <see cref="ConfiguredRelayDirectory"/>
/// (relays listed in configuration) as its last resort.
/// </summary>
public interface IRelayDirectory
{
    /// <summary>The relay for a new match; <paramref name="region"/> is null when the queue has no latency rule. Null when none is available.</summary>
    ValueTask<RelayServer?> AllocateAsync(string titleId, string? region, CancellationToken cancellationToken = default);
}

/// <summary>
/// Relays from configuration, for deployments whose relays send no heartbeats (Hosts.Local's static relay) and as the
/// registry's last resort. A match goes to a relay of its region (round-robin when several); a match with no region, or
/// in a region without a configured relay, goes to the first relay listed, so a one-relay setup serves every region.
/// </summary>
public sealed class ConfiguredRelayDirectory : IRelayDirectory
{
    private readonly IReadOnlyList<RelayServer> _relays;
    private readonly Dictionary<string, RelayServer[]> _byRegion;
    private int _next;

    public ConfiguredRelayDirectory(IEnumerable<RelayServer> relays)
    {
        ArgumentNullException.ThrowIfNull(relays);
        _relays = relays.ToList();
        _byRegion = _relays.GroupBy(r => r.Region, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    public IReadOnlyList<RelayServer> Relays => _relays;

    public ValueTask<RelayServer?> AllocateAsync(string titleId, string? region, CancellationToken cancellationToken = default)
    {
        if (_relays.Count == 0)
        {
            return ValueTask.FromResult<RelayServer?>(null);
        }

        if (region is not null && _byRegion.TryGetValue(region, out var inRegion))
        {
            var turn = (uint)Interlocked.Increment(ref _next);
            return ValueTask.FromResult<RelayServer?>(inRegion[turn % (uint)inRegion.Length]);
        }

        return ValueTask.FromResult<RelayServer?>(_relays[0]);
    }
}
