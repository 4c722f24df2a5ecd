using System.Collections.Concurrent;

namespace GameBackend.Core.Sessions;

/// <summary>
/// Allocates matches to the relays registered by heartbeat (<see cref="RelayRegistry"/>): the least-loaded healthy relay
/// of the match's region. In order:
/// <list type="number">
/// <item>a healthy relay of the match's region (alive, not draining, below capacity), the one with the lowest
/// load / capacity;</item>
/// <item>when the region has none (or the match has no region), the least-loaded healthy relay of any region: a match
/// played with more latency beats players left searching while every relay of their region is full or draining;</item>
/// <item>when no registered relay is healthy, <c>fallback</c> (the configured relays, so Hosts.Local's static relay and
/// deployments without relay heartbeats keep working). Null from it leaves the match unformed and its tickets searching.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>A tick allocates many matches within a second, so the registry is read at most once per
/// <see cref="CacheTimeToLive"/> per title. Between heartbeats, the relay's reported load does not yet show the matches
/// just sent to it; each allocation this process makes counts as one unit of load on that relay until the relay's next
/// heartbeat (which reports the load including them), so a burst spreads across relays instead of landing on the one that
/// looked emptiest, and no relay is filled past its capacity by one burst.</para>
/// <para>Other hosts allocating at the same time do not see this process's counts; their bursts spread on their own, and
/// the relays' heartbeats reconcile everyone within an interval. A relay that began draining or died may still be chosen
/// for up to <see cref="CacheTimeToLive"/> after the registry learns of it.</para>
/// </remarks>
public sealed class RegistryRelayDirectory : IRelayDirectory
{
    /// <summary>How long a title's registry read is reused; short, so draining and dead relays drop out quickly.</summary>
    public static readonly TimeSpan CacheTimeToLive = TimeSpan.FromSeconds(1);

    /// <summary>Bounds the cache if titles without end allocate; titles are few, so this is not hit in practice.</summary>
    private const int MaxCachedTitles = 10_000;

    private readonly RelayRegistry _registry;
    private readonly IRelayDirectory _fallback;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, TitleRelays> _titles = new(StringComparer.Ordinal);

    public RegistryRelayDirectory(RelayRegistry registry, IRelayDirectory fallback, TimeProvider time)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _fallback = fallback ?? throw new ArgumentNullException(nameof(fallback));
        _time = time ?? throw new ArgumentNullException(nameof(time));
    }

    public async ValueTask<RelayServer?> AllocateAsync(string titleId, string? region, CancellationToken cancellationToken = default)
    {
        var relays = await RelaysOfAsync(titleId, cancellationToken);
        var now = _time.GetUtcNow();
        var chosen = relays.Allocate(region, now) ?? (region is null ? null : relays.Allocate(null, now));
        return chosen is not null
            ? new RelayServer(chosen.RelayId, chosen.Region, chosen.Endpoint)
            : await _fallback.AllocateAsync(titleId, region, cancellationToken);
    }

    private async ValueTask<TitleRelays> RelaysOfAsync(string titleId, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_titles.TryGetValue(titleId, out var cached) && now - cached.FetchedAt < CacheTimeToLive)
        {
            return cached;
        }

        var read = await _registry.ListAsync(titleId, ct);
        if (cached is null)
        {
            if (_titles.Count >= MaxCachedTitles)
            {
                _titles.Clear();
            }

            cached = _titles.GetOrAdd(titleId, static _ => new TitleRelays());
        }

        cached.Refresh(read, now);
        return cached;
    }

    /// <summary>
    /// One title's relays as last read, with this process's allocations since each relay's last heartbeat. The counts
    /// survive refreshes (they reset only when a newer heartbeat arrives), so re-reading the registry loses none.
    /// </summary>
    private sealed class TitleRelays
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, Allocations> _allocated = new(StringComparer.Ordinal);
        private IReadOnlyList<RegisteredRelay> _relays = [];

        public DateTimeOffset FetchedAt { get; private set; } = DateTimeOffset.MinValue;

        public void Refresh(IReadOnlyList<RegisteredRelay> relays, DateTimeOffset now)
        {
            lock (_gate)
            {
                _relays = relays;
                FetchedAt = now;

                // Forget relays that are gone, so the counts do not grow with relays that came and went.
                if (_allocated.Count > relays.Count)
                {
                    var alive = relays.Select(r => r.RelayId).ToHashSet(StringComparer.Ordinal);
                    foreach (var relayId in _allocated.Keys.Where(id => !alive.Contains(id)).ToList())
                    {
                        _allocated.Remove(relayId);
                    }
                }
            }
        }

        /// <summary>The least-loaded healthy relay of <paramref name="region"/> (any region when null), counted as allocated.</summary>
        public RegisteredRelay? Allocate(string? region, DateTimeOffset now)
        {
            lock (_gate)
            {
                RegisteredRelay? best = null;
                var bestLoad = 0.0;
                foreach (var relay in _relays)
                {
                    if ((region is not null && !string.Equals(relay.Region, region, StringComparison.Ordinal)) || relay.ExpiresAt <= now || relay.Draining)
                    {
                        continue;
                    }

                    var load = relay.Load + AllocatedSinceHeartbeat(relay);
                    if (load >= relay.Capacity)
                    {
                        continue;
                    }

                    // load / capacity < bestLoad / best.Capacity, without dividing; ties go to the lower relay id (the list's order).
                    if (best is null || load * best.Capacity < bestLoad * (double)relay.Capacity)
                    {
                        best = relay;
                        bestLoad = load;
                    }
                }

                if (best is not null)
                {
                    var counted = AllocatedSinceHeartbeat(best);
                    _allocated[best.RelayId] = new Allocations(best.LastHeartbeatAt, counted + 1);
                }

                return best;
            }
        }

        private int AllocatedSinceHeartbeat(RegisteredRelay relay) =>
            _allocated.TryGetValue(relay.RelayId, out var allocations) && allocations.HeartbeatAt == relay.LastHeartbeatAt ? allocations.Count : 0;

        private readonly record struct Allocations(DateTimeOffset HeartbeatAt, int Count);
    }
}
