using System.Diagnostics;
using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Bench.Matchmaking;

/// <summary>Tick cost at 10k / 100k / 1M tickets (seed 42, S1's rules): time per ticket ÷ log2 n should stay flat for O(n log n).</summary>
internal static class ScalingScenario
{
    public static void Run()
    {
        var skill = new WideningLimit(200, 0, 0, 200);
        Contenders.WarmUp();
        Console.WriteLine("## Scaling: one tick, S1 rules, seed 42; median of repeats (5 at 1M, 15 below)");
        Console.WriteLine("| matcher | tickets | tick median | ns per ticket | ns per ticket ÷ log2 n | matched |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        var all = ScenarioTickets.Generate(42, 1_000_000);
        foreach (var n in new[] { 10_000, 100_000, 1_000_000 })
        {
            var pool = Contenders.Pool(all.AsSpan(0, n).ToArray(), _ => 0);
            foreach (var (name, algorithm, matcher) in new (string, MatchAlgorithm, IMatchmaker)[]
            {
                ("greedy reference", MatchAlgorithm.SkillWindow, new GreedyReferenceMatchmaker()),
                ("SkillWindow", MatchAlgorithm.SkillWindow, Matchmakers.For(MatchAlgorithm.SkillWindow)),
                ("Balanced", MatchAlgorithm.Balanced, Matchmakers.For(MatchAlgorithm.Balanced)),
            })
            {
                var rules = Contenders.Rules(skill, algorithm);
            Contenders.SettleHeap();
                var matches = matcher.FindMatches(pool, rules);
                var times = new List<double>();
                for (var r = 0; r < (n >= 1_000_000 ? 5 : 15); r++)
                {
                    var watch = Stopwatch.StartNew();
                    matches = matcher.FindMatches(pool, rules);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }

                var median = Stats.Percentile(times, 50);
                var perTicket = median * 1e6 / n;
                var matched = matches.Sum(m => m.Tickets.Length);
                Console.WriteLine($"| {name} | {n:N0} | {median:F1} ms | {perTicket:F0} | {perTicket / Math.Log2(n):F1} | {100.0 * matched / n:F3}% |");
            }
        }

        Console.WriteLine();
    }
}
