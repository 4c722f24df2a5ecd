using System.Diagnostics;
using HdrHistogram;

namespace RelayLoad;

/// <summary>One line of results: name = value pairs, printed as "RESULT k=v ..." for bench/relay/run.sh to tabulate.</summary>
internal sealed class Result(string mode, RelayKind kind)
{
    private readonly List<(string Name, string Value)> _values = [("mode", mode), ("relay", kind == RelayKind.Ours ? "ours" : "baseline")];

    public Result Add(string name, double value, string format = "F0")
    {
        _values.Add((name, value.ToString(format, System.Globalization.CultureInfo.InvariantCulture)));
        return this;
    }

    public override string ToString() => "RESULT " + string.Join(' ', _values.Select(v => $"{v.Name}={v.Value}"));
}

/// <summary>The three workloads of issue 5, each the same bytes for either relay (only the framing differs).</summary>
internal static class Workloads
{
    /// <summary>
    /// (a) Saturation: every member sends batches as fast as one thread can while draining what comes back;
    /// the figure is datagrams delivered to members per second (the relay's forwarding rate, as the receivers saw it).
    /// </summary>
    public static Result Saturation(Fleet fleet, Settings s)
    {
        var length = Wire.DatagramLength(fleet.Kind);
        var prefix = Wire.PrefixLength(fleet.Kind);
        var batches = fleet.Members.Select(m =>
        {
            var b = new DatagramBatch(s.Batch);
            for (var i = 0; i < s.Batch; i++)
            {
                Wire.WritePrefix(fleet.Kind, m, b.Slot(i));
                Wire.WritePayload(b.Slot(i)[prefix..], m.Index, i, 0, measured: true);
            }

            return b;
        }).ToArray();
        using var rx = new DatagramBatch(64);

        long sent = 0, delivered = 0, sentAtStart = 0, deliveredAtStart = 0;
        var window = new Window(s.RelayPid);
        var clock = Stopwatch.StartNew();
        var measuring = false;
        var end = s.Warmup + s.Duration;
        while (clock.Elapsed.TotalSeconds < end)
        {
            if (!measuring && clock.Elapsed.TotalSeconds >= s.Warmup)
            {
                measuring = true;
                sentAtStart = sent;
                deliveredAtStart = delivered;
                window.Begin();
            }

            for (var m = 0; m < fleet.Members.Length; m++)
            {
                sent += batches[m].Send(fleet.Members[m].Fd, s.Batch, length);
            }

            for (var m = 0; m < fleet.Members.Length; m++)
            {
                int n;
                while ((n = rx.ReceiveNow(fleet.Members[m].Fd)) > 0)
                {
                    for (var i = 0; i < n; i++)
                    {
                        if (!Wire.DeliveredPayload(fleet.Kind, rx.Received(i)).IsEmpty)
                        {
                            delivered++;
                        }
                    }
                }
            }
        }

        window.End();
        foreach (var b in batches)
        {
            b.Dispose();
        }

        var seconds = window.Seconds;
        return new Result("saturation", fleet.Kind)
            .Add("members", fleet.Members.Length)
            .Add("session_size", fleet.SessionSize)
            .Add("sent_per_s", (sent - sentAtStart) / seconds)
            .Add("forwarded_per_s", (delivered - deliveredAtStart) / seconds)
            .Add("relay_cpu", window.RelayCpuShare, "F2")
            .Add("others_cpu", window.OthersCpuShare, "F2")
            .Add("generator_cpu", window.GeneratorCpuShare, "F2")
            .Add("relay_us_per_forwarded", delivered == deliveredAtStart ? 0 : window.RelayCpuShare * seconds * 1e6 / (delivered - deliveredAtStart), "F2")
            .Add("kernel_drops_per_s", window.KernelDrops / seconds)
            .Add("relay_rss_mib", Probes.StatusKiB(s.RelayPid, "VmRSS") / 1024.0, "F1");
    }

    /// <summary>
    /// (b) Round trip at light load: pairs A-B, each pair's thread paced at <see cref="Settings.Rate"/> round trips a second;
    /// A sends, the relay delivers to B, B sends the payload back, the relay delivers to A. Each sample crosses the relay twice.
    /// </summary>
    public static Result RoundTrip(Fleet fleet, Settings s)
    {
        var pairs = fleet.Members.Length / 2;
        var histograms = new LongHistogram[pairs];
        var lost = new long[pairs];
        var window = new Window(s.RelayPid);
        var (warmupEnd, end) = Schedule(s);
        var threads = Enumerable.Range(0, pairs).Select(p => PacedThread(p, pairs, s.Rate, end, () =>
        {
            histograms[p] = NewHistogram();
            var pair = new Pair(fleet, p);
            return (t0, _) =>
            {
                if (!pair.RoundTrip(t0, out var ticks))
                {
                    lost[p] += t0 >= warmupEnd ? 1 : 0;
                }
                else if (t0 >= warmupEnd)
                {
                    histograms[p].RecordValue(ticks);
                }
            };
        })).ToArray();

        Run(threads, warmupEnd, window);
        return RoundTripResult("rtt", fleet.Kind, pairs, Merge(histograms), lost.Sum(), window);
    }

    /// <summary>
    /// (b') Round trip, both relays interleaved: the same paced pairs, but every pair has a member pair on each relay and
    /// each tick makes one round trip through each, back to back, the order alternating tick by tick. Samples of the two
    /// relays are then taken microseconds apart, so whatever else the machine does (other processes, interrupts, the
    /// hypervisor) falls on both alike, which separate runs cannot promise. Prints one result per relay and one for the
    /// ticks where both answered: in how many ours was faster, and the median of the per-tick differences.
    /// </summary>
    public static IReadOnlyList<Result> RoundTripInterleaved(Fleet ours, Fleet baseline, Settings s)
    {
        var pairs = Math.Min(ours.Members.Length, baseline.Members.Length) / 2;
        var oursHistograms = new LongHistogram[pairs];
        var baselineHistograms = new LongHistogram[pairs];
        var differences = new long[pairs][];
        var differenceCounts = new int[pairs];
        var oursLost = new long[pairs];
        var baselineLost = new long[pairs];
        var oursFaster = new long[pairs];
        var window = new Window(s.RelayPid);
        var (warmupEnd, end) = Schedule(s);
        var threads = Enumerable.Range(0, pairs).Select(p => PacedThread(p, pairs, s.Rate, end, () =>
        {
            oursHistograms[p] = NewHistogram();
            baselineHistograms[p] = NewHistogram();
            differences[p] = new long[(int)(s.Rate * (s.Warmup + s.Duration + 5))]; // preallocated: nothing allocates while measuring
            var oursPair = new Pair(ours, p);
            var baselinePair = new Pair(baseline, p);
            return (t0, tick) =>
            {
                bool oursOk, baselineOk;
                long oursTicks, baselineTicks;
                if (tick % 2 == 0)
                {
                    oursOk = oursPair.RoundTrip(t0, out oursTicks);
                    baselineOk = baselinePair.RoundTrip(Stopwatch.GetTimestamp(), out baselineTicks);
                }
                else
                {
                    baselineOk = baselinePair.RoundTrip(t0, out baselineTicks);
                    oursOk = oursPair.RoundTrip(Stopwatch.GetTimestamp(), out oursTicks);
                }

                if (t0 < warmupEnd)
                {
                    return;
                }

                oursLost[p] += oursOk ? 0 : 1;
                baselineLost[p] += baselineOk ? 0 : 1;
                if (oursOk)
                {
                    oursHistograms[p].RecordValue(oursTicks);
                }

                if (baselineOk)
                {
                    baselineHistograms[p].RecordValue(baselineTicks);
                }

                if (oursOk && baselineOk)
                {
                    oursFaster[p] += oursTicks < baselineTicks ? 1 : 0;
                    if (differenceCounts[p] < differences[p].Length)
                    {
                        differences[p][differenceCounts[p]++] = oursTicks - baselineTicks;
                    }
                }
            };
        })).ToArray();

        Run(threads, warmupEnd, window);
        var difference = differences.SelectMany((d, p) => d.Take(differenceCounts[p])).Order().ToArray();
        double DifferenceAt(double fraction) => difference.Length == 0 ? 0 : difference[(int)Math.Min(difference.Length - 1, fraction * difference.Length)] / 10.0;
        return
        [
            RoundTripResult("rtt-ab", RelayKind.Baseline, pairs, Merge(baselineHistograms), baselineLost.Sum(), window),
            RoundTripResult("rtt-ab", RelayKind.Ours, pairs, Merge(oursHistograms), oursLost.Sum(), window),
            new Result("rtt-ab-paired", RelayKind.Ours)
                .Add("ticks", difference.Length)
                .Add("ours_faster_pct", 100.0 * oursFaster.Sum() / Math.Max(1, difference.Length), "F1")
                .Add("median_diff_us", DifferenceAt(0.5), "F1")
                .Add("p10_diff_us", DifferenceAt(0.1), "F1")
                .Add("p90_diff_us", DifferenceAt(0.9), "F1"),
        ];
    }

    private static (long WarmupEnd, long End) Schedule(Settings s)
    {
        var warmupEnd = Stopwatch.GetTimestamp() + (long)(s.Warmup * Stopwatch.Frequency);
        return (warmupEnd, warmupEnd + (long)(s.Duration * Stopwatch.Frequency));
    }

    private static LongHistogram NewHistogram() => new(TimeSpan.FromSeconds(10).Ticks, 3);

    private static LongHistogram Merge(LongHistogram[] histograms)
    {
        var all = NewHistogram();
        foreach (var h in histograms)
        {
            all.Add(h);
        }

        return all;
    }

    /// <summary>A thread that calls its body at <paramref name="rate"/> ticks a second (phase spread by pair) until <paramref name="end"/>.</summary>
    private static Thread PacedThread(int p, int pairs, int rate, long end, Func<Action<long, long>> makeBody) => new(() =>
    {
        var body = makeBody();
        var interval = Stopwatch.Frequency / rate;
        var next = Stopwatch.GetTimestamp() + (p * interval / pairs);
        for (long tick = 0; ; tick++)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= end)
            {
                break;
            }

            if (next > now)
            {
                var wait = (next - now) * 1000 / Stopwatch.Frequency;
                if (wait >= 1)
                {
                    Thread.Sleep((int)wait);
                }

                while (Stopwatch.GetTimestamp() < next)
                {
                    Thread.SpinWait(20);
                }
            }

            next += interval;
            body(Stopwatch.GetTimestamp(), tick);
        }
    })
    { IsBackground = true, Priority = ThreadPriority.AboveNormal };

    private static void Run(Thread[] threads, long warmupEnd, Window window)
    {
        foreach (var t in threads)
        {
            t.Start();
        }

        while (Stopwatch.GetTimestamp() < warmupEnd)
        {
            Thread.Sleep(10);
        }

        window.Begin();
        foreach (var t in threads)
        {
            t.Join();
        }

        window.End();
    }

    private static Result RoundTripResult(string mode, RelayKind kind, int pairs, LongHistogram all, long lost, Window window)
    {
        static double Micro(long ticks) => ticks / 10.0;
        return new Result(mode, kind)
            .Add("pairs", pairs)
            .Add("round_trips_per_s", all.TotalCount / window.Seconds)
            .Add("samples", all.TotalCount)
            .Add("lost", lost)
            .Add("p50_us", Micro(all.GetValueAtPercentile(50)), "F1")
            .Add("p90_us", Micro(all.GetValueAtPercentile(90)), "F1")
            .Add("p99_us", Micro(all.GetValueAtPercentile(99)), "F1")
            .Add("p999_us", Micro(all.GetValueAtPercentile(99.9)), "F1")
            .Add("max_us", Micro(all.GetMaxValue()), "F1")
            .Add("relay_cpu", window.RelayCpuShare, "F2")
            .Add("others_cpu", window.OthersCpuShare, "F2");
    }

    /// <summary>One pair of members of a fleet and its buffers: one round trip at a time, A → relay → B → relay → A.</summary>
    private sealed class Pair
    {
        private readonly Fleet _fleet;
        private readonly Member _a;
        private readonly Member _b;
        private readonly byte[] _outA;
        private readonly byte[] _outB;
        private readonly byte[] _inbox = new byte[DatagramBatch.SlotSize];
        private readonly int _prefix;
        private int _sequence;

        public Pair(Fleet fleet, int p)
        {
            _fleet = fleet;
            _a = fleet.Members[2 * p];
            _b = fleet.Members[(2 * p) + 1];
            _a.Socket.ReceiveTimeout = 1000;
            _b.Socket.ReceiveTimeout = 1000;
            var length = Wire.DatagramLength(fleet.Kind);
            _prefix = Wire.PrefixLength(fleet.Kind);
            _outA = new byte[length];
            _outB = new byte[length];
            Wire.WritePrefix(fleet.Kind, _a, _outA);
            Wire.WritePrefix(fleet.Kind, _b, _outB);
        }

        /// <summary>False when either crossing timed out (lost); else the round trip's duration in 100 ns ticks.</summary>
        public bool RoundTrip(long t0, out long ticks)
        {
            ticks = 0;
            Wire.WritePayload(_outA.AsSpan(_prefix), _a.Index, _sequence++, t0, measured: true);
            _a.Socket.Send(_outA);
            if (!Await(_b, _inbox, _fleet.Kind, t0, out var payload))
            {
                return false;
            }

            payload.CopyTo(_outB.AsSpan(_prefix));
            _b.Socket.Send(_outB);
            if (!Await(_a, _inbox, _fleet.Kind, t0, out _))
            {
                return false;
            }

            ticks = (Stopwatch.GetTimestamp() - t0) * TimeSpan.TicksPerSecond / Stopwatch.Frequency;
            return true;
        }
    }

    /// <summary>Waits for the DELIVER carrying the payload stamped <paramref name="stamp"/>, skipping notices and stale echoes.</summary>
    private static bool Await(Member member, byte[] inbox, RelayKind kind, long stamp, out ReadOnlySpan<byte> payload)
    {
        while (true)
        {
            int n;
            try
            {
                n = member.Socket.Receive(inbox);
            }
            catch (System.Net.Sockets.SocketException)
            {
                payload = default;
                return false;
            }

            payload = Wire.DeliveredPayload(kind, inbox.AsSpan(0, n));
            if (!payload.IsEmpty && Wire.Timestamp(payload) == stamp)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// (c) Many members at a game's rate: every member sends to all others of its session at <see cref="Settings.Rate"/>
    /// datagrams per second, phases spread evenly; one thread sends on schedule and sweeps the members' sockets between sends.
    /// Loss = 1 - delivered / (sent in the window × (session size - 1)), counting only datagrams sent inside the window.
    /// </summary>
    public static Result Sessions(Fleet fleet, Settings s)
    {
        var members = fleet.Members;
        var length = Wire.DatagramLength(fleet.Kind);
        var prefix = Wire.PrefixLength(fleet.Kind);
        var outgoing = members.Select(m =>
        {
            var d = new byte[length];
            Wire.WritePrefix(fleet.Kind, m, d);
            return d;
        }).ToArray();
        var sequences = new int[members.Length];
        using var rx = new DatagramBatch(64);

        var ticksPerSend = Stopwatch.Frequency / (double)(s.Rate * members.Length);
        var start = Stopwatch.GetTimestamp();
        var warmupEnd = start + (long)(s.Warmup * Stopwatch.Frequency);
        var sendEnd = warmupEnd + (long)(s.Duration * Stopwatch.Frequency);
        var end = sendEnd + Stopwatch.Frequency;
        long scheduled = 0, measuredSent = 0, sendFailures = 0, delivered = 0, maxLagTicks = 0;
        var window = new Window(s.RelayPid);
        var measuring = false;
        var sweep = 0;
        var receivedThisPass = 0;
        long relayRss = 0;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (now >= end)
            {
                break;
            }

            if (!measuring && now >= warmupEnd)
            {
                measuring = true;
                window.Begin();
            }

            if (now < sendEnd)
            {
                var due = (long)((now - start) / ticksPerSend);
                maxLagTicks = Math.Max(maxLagTicks, measuring ? (long)((due - scheduled) * ticksPerSend) : 0);
                while (scheduled < due)
                {
                    var sendAt = start + (long)(scheduled * ticksPerSend);
                    var m = (int)(scheduled % members.Length);
                    var measured = sendAt >= warmupEnd && sendAt < sendEnd;
                    var d = outgoing[m];
                    Wire.WritePayload(d.AsSpan(prefix), m, sequences[m]++, sendAt, measured);
                    if (Send(members[m].Fd, d) && measured)
                    {
                        measuredSent++;
                    }
                    else if (measured)
                    {
                        sendFailures++;
                    }

                    scheduled++;
                }
            }
            else if (measuring && relayRss == 0)
            {
                // The window is the sending time; the grace second after it only collects stragglers.
                window.End();
                relayRss = Math.Max(1, Probes.StatusKiB(s.RelayPid, "VmRSS"));
            }

            for (var k = 0; k < 128; k++)
            {
                if (++sweep == members.Length)
                {
                    // A whole pass over the members found almost nothing queued: let the relay have the CPU for a moment.
                    sweep = 0;
                    if (receivedThisPass < members.Length / 8)
                    {
                        Thread.Sleep(1);
                    }

                    receivedThisPass = 0;
                }

                int n;
                while ((n = rx.ReceiveNow(members[sweep].Fd)) > 0)
                {
                    receivedThisPass += n;
                    for (var i = 0; i < n; i++)
                    {
                        var payload = Wire.DeliveredPayload(fleet.Kind, rx.Received(i));
                        if (!payload.IsEmpty && Wire.IsMeasured(payload))
                        {
                            delivered++;
                        }
                    }
                }
            }
        }

        var expected = measuredSent * (fleet.SessionSize - 1);
        return new Result("sessions", fleet.Kind)
            .Add("members", members.Length)
            .Add("session_size", fleet.SessionSize)
            .Add("rate", s.Rate)
            .Add("sent", measuredSent)
            .Add("send_failures", sendFailures)
            .Add("expected", expected)
            .Add("delivered", delivered)
            .Add("loss_pct", expected == 0 ? 0 : 100.0 * (expected - delivered) / expected, "F4")
            .Add("forwarded_per_s", delivered / s.Duration)
            .Add("max_send_lag_ms", maxLagTicks * 1000.0 / Stopwatch.Frequency, "F1")
            .Add("relay_cpu", window.RelayCpuShare, "F2")
            .Add("others_cpu", window.OthersCpuShare, "F2")
            .Add("generator_cpu", window.GeneratorCpuShare, "F2")
            .Add("relay_us_per_forwarded", delivered == 0 ? 0 : window.RelayCpuShare * window.Seconds * 1e6 / delivered, "F2")
            .Add("kernel_drops", window.KernelDrops)
            .Add("relay_rss_mib", relayRss / 1024.0, "F1")
            .Add("relay_hwm_mib", Probes.StatusKiB(s.RelayPid, "VmHWM") / 1024.0, "F1");
    }

    private static unsafe bool Send(int fd, byte[] datagram)
    {
        fixed (byte* p = datagram)
        {
            return Native.send(fd, p, (nuint)datagram.Length, Native.MsgDontWait) == datagram.Length;
        }
    }
}
