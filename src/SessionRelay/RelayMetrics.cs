using System.Globalization;
using System.Text;

namespace GameBackend.SessionRelay;

/// <summary>
/// The relay's counters. The receive loop is their only writer, so it bumps plain fields with no interlocked
/// instruction on the hot path; readers (the /metrics scrape, heartbeats, tests) read 64-bit fields, which never tear
/// on the 64-bit platforms the relay runs on, and may see a value a moment old.
/// </summary>
public sealed class RelayMetrics
{
    private static readonly string[] DropNames = ["malformed", "unknown_key", "bad_signature", "title_mismatch", "unknown_connection", "wrong_endpoint", "rate_limited", "no_such_target", "join_rate_limited"];
    private static readonly string[] RefusalNames = ["", "expired", "slot_taken", "slot_in_use", "draining", "full", "bad_slot"];

    internal readonly long[] DropCounts = new long[DropNames.Length];
    internal readonly long[] RefusalCounts = new long[RefusalNames.Length];

    internal long PacketsInCount;
    internal long BytesInCount;
    internal long PacketsOutCount;
    internal long BytesOutCount;
    internal long SendErrorCount;
    internal long JoinCount;
    internal long SessionsStartedCount;
    internal long SessionsEndedCount;
    internal long SessionGauge;
    internal long MemberGauge;
    internal long LoopAllocated;
    internal long EventsDroppedCount;

    public long PacketsIn => Volatile.Read(ref PacketsInCount);

    public long BytesIn => Volatile.Read(ref BytesInCount);

    public long PacketsOut => Volatile.Read(ref PacketsOutCount);

    public long BytesOut => Volatile.Read(ref BytesOutCount);

    public long Joins => Volatile.Read(ref JoinCount);

    public long Sessions => Volatile.Read(ref SessionGauge);

    public long Members => Volatile.Read(ref MemberGauge);

    public long SessionsStarted => Volatile.Read(ref SessionsStartedCount);

    public long SessionsEnded => Volatile.Read(ref SessionsEndedCount);

    /// <summary>Bytes the receive loop's thread has allocated since it started, as of its last timer pass (about every 100 ms).</summary>
    public long LoopAllocatedBytes => Volatile.Read(ref LoopAllocated);

    public long Drops(DropReason reason) => Volatile.Read(ref DropCounts[(int)reason]);

    public long TotalDrops
    {
        get
        {
            long total = 0;
            for (var i = 0; i < DropCounts.Length; i++)
            {
                total += Volatile.Read(ref DropCounts[i]);
            }

            return total;
        }
    }

    public long Refusals(RefusalReason reason) => Volatile.Read(ref RefusalCounts[(int)reason]);

    /// <summary>The Prometheus text exposition format (version 0.0.4).</summary>
    public string ToPrometheusText(bool draining)
    {
        var text = new StringBuilder(2048);
        Gauge(text, "relay_sessions", "Sessions open now.", Sessions);
        Gauge(text, "relay_members", "Members joined now, across sessions.", Members);
        Gauge(text, "relay_draining", "1 while the relay drains (no new sessions).", draining ? 1 : 0);
        Counter(text, "relay_packets_in_total", "Datagrams received.", PacketsIn);
        Counter(text, "relay_bytes_in_total", "Bytes received (UDP payload).", BytesIn);
        Counter(text, "relay_packets_out_total", "Datagrams sent (forwards, answers, notices).", PacketsOut);
        Counter(text, "relay_bytes_out_total", "Bytes sent (UDP payload).", BytesOut);
        Counter(text, "relay_send_errors_total", "Datagrams the OS refused to send.", Volatile.Read(ref SendErrorCount));
        Counter(text, "relay_joins_total", "Members that took a slot.", Joins);
        Counter(text, "relay_sessions_started_total", "Sessions started.", SessionsStarted);
        Counter(text, "relay_sessions_ended_total", "Sessions ended.", SessionsEnded);
        Counter(text, "relay_events_dropped_total", "Session lifecycle events dropped because the heartbeat queue was full.", Volatile.Read(ref EventsDroppedCount));
        Counter(text, "relay_loop_allocated_bytes_total", "Bytes allocated by the receive loop's thread (flat under load means no per-datagram allocation).", LoopAllocatedBytes);

        text.Append("# HELP relay_drops_total Datagrams dropped unanswered, by reason.\n# TYPE relay_drops_total counter\n");
        for (var i = 0; i < DropNames.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"relay_drops_total{{reason=\"{DropNames[i]}\"}} {Volatile.Read(ref DropCounts[i])}\n");
        }

        text.Append("# HELP relay_join_refusals_total Authentic JOINs answered REFUSED, by reason.\n# TYPE relay_join_refusals_total counter\n");
        for (var i = 1; i < RefusalNames.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"relay_join_refusals_total{{reason=\"{RefusalNames[i]}\"}} {Volatile.Read(ref RefusalCounts[i])}\n");
        }

        return text.ToString();
    }

    private static void Gauge(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");

    private static void Counter(StringBuilder text, string name, string help, long value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
}
