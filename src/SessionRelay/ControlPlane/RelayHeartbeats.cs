using GameBackend.Core.Sessions;
using System.Diagnostics;
using System.Reflection;

namespace GameBackend.SessionRelay.ControlPlane;

/// <summary>
/// The relay's side of the control plane: one heartbeat per served title every period (the backend's answer sets
/// it), carrying the title's session events, and an early one when a JOIN named a key the relay lacks (a rotation
/// the relay has not heard of yet). Keys in the answers replace the title's keys. Events that could not be sent wait
/// for the next beat, up to a bound.
/// </summary>
public sealed class RelayHeartbeats
{
    public const int MaxEventsPerHeartbeat = 1000;

    /// <summary>Per title, events kept while the backend is unreachable; older ones are dropped past this.</summary>
    public const int MaxPendingEventsPerTitle = 20_000;

    /// <summary>The build's informational version, cut to what the registry accepts (1–64 printable ASCII, no spaces).</summary>
    public static readonly string RelayVersion = CleanVersion(
        typeof(RelayHeartbeats).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    private readonly UdpRelay _relay;
    private readonly IRelayControlPlane _controlPlane;
    private readonly ILogger _logger;
    private readonly Dictionary<UInt128, List<SessionLifecycleEvent>> _pending = [];
    private readonly HashSet<UInt128> _discovered = [];

    /// <summary>One round at a time: the loop and the drain's immediate beats share the pending events.</summary>
    private readonly SemaphoreSlim _round = new(1, 1);
    private TimeSpan _period;

    public RelayHeartbeats(UdpRelay relay, IRelayControlPlane controlPlane, ILogger<RelayHeartbeats> logger)
    {
        _relay = relay ?? throw new ArgumentNullException(nameof(relay));
        _controlPlane = controlPlane ?? throw new ArgumentNullException(nameof(controlPlane));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _period = TimeSpan.FromSeconds(relay.Options.HeartbeatSeconds);
    }

    /// <summary>
    /// Beats until cancelled: every title each period, and in between, as soon as a JOIN misses a key, the titles that
    /// missed (a burst of misses is gathered for 100 ms; early rounds come at most once a second, so forged tokens
    /// cannot make the relay hammer its backend).
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var nextFullBeat = 0L;
        var lastEarlyRound = 0L;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (Stopwatch.GetTimestamp() >= nextFullBeat)
                {
                    await BeatAllAsync(cancellationToken).ConfigureAwait(false);
                    nextFullBeat = Stopwatch.GetTimestamp() + (long)(_period.TotalSeconds * Stopwatch.Frequency);
                }
                else
                {
                    await BeatTitlesAsync(everyTitle: false, cancellationToken).ConfigureAwait(false);
                }

                var untilFullBeat = TimeSpan.FromSeconds(Math.Max(0, nextFullBeat - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);
                if (await _relay.KeyMissSignal.WaitAsync(untilFullBeat, cancellationToken).ConfigureAwait(false))
                {
                    var sinceEarlyRound = Stopwatch.GetElapsedTime(lastEarlyRound);
                    await Task.Delay(sinceEarlyRound < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) - sinceEarlyRound : TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
                    lastEarlyRound = Stopwatch.GetTimestamp();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One heartbeat for every served title (and every title a JOIN asked about, where discovery is on).</summary>
    public Task BeatAllAsync(CancellationToken cancellationToken) => BeatTitlesAsync(everyTitle: true, cancellationToken);

    private async Task BeatTitlesAsync(bool everyTitle, CancellationToken cancellationToken)
    {
        await _round.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await BeatTitlesOnceAsync(everyTitle, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task BeatTitlesOnceAsync(bool everyTitle, CancellationToken cancellationToken)
    {
        TakeEvents();
        var titles = new HashSet<UInt128>();
        if (everyTitle)
        {
            titles.UnionWith(_relay.Keys.Titles);
            titles.UnionWith(_discovered);
            titles.UnionWith(_pending.Keys);
        }

        foreach (var miss in _relay.TakeKeyMisses())
        {
            if (_relay.Options.DiscoverTitles || _relay.Keys.Knows(miss))
            {
                titles.Add(miss);
            }
        }

        foreach (var title in titles)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            await BeatAsync(title, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task BeatAsync(UInt128 titleId, CancellationToken cancellationToken)
    {
        var id = RelayKeyRing.FormatId(titleId);
        _pending.TryGetValue(titleId, out var pending);
        var events = pending is null ? [] : pending.GetRange(0, Math.Min(pending.Count, MaxEventsPerHeartbeat));
        var options = _relay.Options;
        var load = _relay.Loads.Find(titleId);
        var heartbeat = new HeartbeatReport(
            id,
            new RelayHeartbeat(
                options.RelayId,
                options.Region,
                PublicEndpoint(),
                options.MaxSessions,
                (int)_relay.Metrics.Sessions,
                (int)(load?.Sessions ?? 0),
                (int)(load?.Members ?? 0),
                RelayVersion,
                _relay.IsDraining,
                events.ConvertAll(static e => e.ToReported())));
        try
        {
            var answer = await _controlPlane.HeartbeatAsync(heartbeat, _relay.Keys.KeysOf(titleId), cancellationToken).ConfigureAwait(false);
            pending?.RemoveRange(0, events.Count);
            if (pending is { Count: 0 })
            {
                _pending.Remove(titleId);
            }

            _period = TimeSpan.FromSeconds(answer.HeartbeatSeconds);
            if (!SameKeys(_relay.Keys.KeysOf(titleId), answer.RelayKeys))
            {
                _relay.Keys.SetKeys(titleId, answer.RelayKeys);
                Log.KeysChanged(_logger, id, answer.RelayKeys.Count);
            }

            if (options.DiscoverTitles && answer.RelayKeys.Count > 0)
            {
                _discovered.Add(titleId);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (_controlPlane is not NoRelayControlPlane)
            {
                Log.HeartbeatFailed(_logger, id, ex.Message);
            }

            if (_controlPlane is NoRelayControlPlane && pending is not null)
            {
                // Nowhere to send them: keep nothing.
                _pending.Remove(titleId);
            }
        }
    }

    private string PublicEndpoint()
    {
        var options = _relay.Options;
        if (!string.IsNullOrEmpty(options.PublicEndpoint))
        {
            return options.PublicEndpoint;
        }

        return _relay.IsRunning ? _relay.LocalEndpoint.ToString() : options.Endpoint;
    }

    private void TakeEvents()
    {
        while (_relay.TryTakeEvent(out var sessionEvent))
        {
            Log.SessionEvent(_logger, sessionEvent.SessionId, sessionEvent.TitleId, sessionEvent.Name, sessionEvent.Members, sessionEvent.DurationSeconds);
            if (!RelayKeyRing.TryParseId(sessionEvent.TitleId, out var titleId))
            {
                continue;
            }

            if (!_pending.TryGetValue(titleId, out var list))
            {
                list = [];
                _pending[titleId] = list;
            }

            list.Add(sessionEvent);
            if (list.Count > MaxPendingEventsPerTitle)
            {
                var excess = list.Count - MaxPendingEventsPerTitle;
                list.RemoveRange(0, excess);
                Log.EventsDropped(_logger, sessionEvent.TitleId, excess);
            }
        }
    }

    private static string CleanVersion(string? version)
    {
        var clean = new string((version ?? "").Where(c => c is > ' ' and <= '~').Take(64).ToArray());
        return clean.Length > 0 ? clean : "0.0.0";
    }

    private static bool SameKeys(IReadOnlyList<RelayKey> a, IReadOnlyList<RelayKey> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i].KeyId != b[i].KeyId || !a[i].Secret.AsSpan().SequenceEqual(b[i].Secret))
            {
                return false;
            }
        }

        return true;
    }
}
