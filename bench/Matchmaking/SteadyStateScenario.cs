using System.Diagnostics;
using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Bench.Matchmaking;

/// <summary>
/// S2 (and S2-sparse): tickets arrive every tick; tolerance min(100 + 50·⌊a/5⌋, 500) for age a ticks; timeout 90 ticks.
/// </summary>
/// <remarks>
/// How this port reads the spec (the reading that reproduces the spec's greedy figures, see docs/benchmarks.md):
/// 600 ticks in all, of which the first 120 are warm-up; the figures cover the tickets that arrive in ticks 120–599
/// (300 × 480 = 144,000) and the matches formed in those ticks; the run stops after tick 599, so the last tickets may
/// still be waiting. In each tick: the tick's tickets arrive (age 0), the matcher runs over every waiting ticket, the
/// matched leave, then every ticket whose age has reached the timeout leaves unmatched.
/// </remarks>
internal static class SteadyStateScenario
{
    public const int Ticks = 600;
    public const int WarmUpTicks = 120;
    public const int TimeoutTicks = 90;

    public static readonly WideningLimit Tolerance = new(100, 50, 5, 500);

    public sealed record Result(
        string Name, int Counted, int Matched, int TimedOut, double WaitP50, double WaitP90, double WaitP99,
        double SpreadMean, double SpreadP95, double ImbalanceMean, double ImbalanceP95, double TickMeanMs, double TickMaxMs)
    {
        public string Row() =>
            $"| {Name} | {Matched:N0} of {Counted:N0} | {TimedOut} | {WaitP50:0.##} / {WaitP90:0.##} / {WaitP99:0.##} | {SpreadMean:F2} / {SpreadP95:F2} " +
            $"| {ImbalanceMean:F5} / {ImbalanceP95:F5} | {TickMeanMs:F2} / {TickMaxMs:F2} ms |";
    }

    public const string Header =
        "| matcher | matched | timed out | wait p50 / p90 / p99 (ticks) | spread mean / p95 | abs(P-.5) mean / p95 | tick mean / max |\n|---|---:|---:|---|---|---|---|";

    public static Result Run(string name, IMatchmaker matcher, MatchAlgorithm algorithm, int perTick, ulong seed = 43)
    {
        var tickets = ScenarioTickets.Generate(seed, perTick * Ticks);
        var rules = Contenders.Rules(Tolerance, algorithm);
        var matchedAt = new int[tickets.Length];
        var timedOutAt = new int[tickets.Length];
        Array.Fill(matchedAt, -1);
        Array.Fill(timedOutAt, -1);
        var waiting = new List<int>();
        var next = new List<int>();
        var spreads = new List<double>();
        var imbalance = new List<double>();
        var tickTimes = new List<double>();
        var poolTickets = new List<ScenarioTicket>();
        for (var tick = 0; tick < Ticks; tick++)
        {
            for (var id = tick * perTick; id < (tick + 1) * perTick; id++)
            {
                waiting.Add(id);
            }

            poolTickets.Clear();
            foreach (var id in waiting)
            {
                poolTickets.Add(tickets[id]);
            }

            var now = tick;
            var pool = Contenders.Pool(poolTickets, t => now - (t.Id / perTick));
            var watch = Stopwatch.StartNew();
            var matches = matcher.FindMatches(pool, rules);
            tickTimes.Add(watch.Elapsed.TotalMilliseconds);
            foreach (var match in matches)
            {
                foreach (var t in match.Tickets)
                {
                    matchedAt[waiting[t]] = tick;
                }

                if (tick >= WarmUpTicks)
                {
                    spreads.Add(Stats.Spread(match, t => poolTickets[t].Skill));
                    imbalance.Add(Stats.Imbalance(match, t => poolTickets[t].Skill, t => poolTickets[t].PartySize));
                }
            }

            next.Clear();
            foreach (var id in waiting)
            {
                if (matchedAt[id] >= 0)
                {
                    continue;
                }

                if (tick - (id / perTick) >= TimeoutTicks)
                {
                    timedOutAt[id] = tick;
                    continue;
                }

                next.Add(id);
            }

            (waiting, next) = (next, waiting);
        }

        var counted = 0;
        var timedOut = 0;
        var waits = new List<double>();
        for (var id = WarmUpTicks * perTick; id < tickets.Length; id++)
        {
            counted++;
            if (matchedAt[id] >= 0)
            {
                waits.Add(matchedAt[id] - (id / perTick));
            }
            else if (timedOutAt[id] >= 0)
            {
                timedOut++;
            }
        }

        return new Result(
            name, counted, waits.Count, timedOut, Stats.Percentile(waits, 50), Stats.Percentile(waits, 90), Stats.Percentile(waits, 99),
            Stats.Mean(spreads), Stats.Percentile(spreads, 95), Stats.Mean(imbalance), Stats.Percentile(imbalance, 95),
            Stats.Mean(tickTimes), tickTimes.Max());
    }
}
