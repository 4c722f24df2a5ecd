using System.Diagnostics;
using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Bench.Matchmaking;

/// <summary>S1: 100,000 tickets from seed 42 in one pool, 5v5, max spread 200, one tick, within each home region.</summary>
internal static class BurstScenario
{
    /// <summary>Untimed ticks per matcher on the S1 pool before timing: the GC sizes its generations to the tick's garbage over the first couple of dozen.</summary>
    private const int WarmUpTicks = 30;

    public static void Run(int repeats)
    {
        var tickets = ScenarioTickets.Generate(42, 100_000);
        var pool = Contenders.Pool(tickets, _ => 0);
        var skill = new WideningLimit(200, 0, 0, 200);
        Contenders.WarmUp();
        Console.WriteLine($"## S1 burst: {tickets.Length:N0} tickets, {tickets.Sum(t => t.PartySize):N0} players, 5v5, spread ≤ 200, one tick, {repeats} timed repeats after {WarmUpTicks} untimed ones");
        Console.WriteLine("| matcher | tick p50 | tick p99 | allocated per tick | GCs (gen0/1/2) over repeats | matches | tickets matched | spread mean / p95 | abs(P-.5) mean / p95 |");
        Console.WriteLine("|---|---:|---:|---:|---|---:|---:|---|---|");
        var slowest = new List<string>();
        foreach (var (name, algorithm, matcher) in new (string, MatchAlgorithm, IMatchmaker)[]
        {
            ("greedy reference", MatchAlgorithm.SkillWindow, new GreedyReferenceMatchmaker()),
            ("SkillWindow", MatchAlgorithm.SkillWindow, Matchmakers.For(MatchAlgorithm.SkillWindow)),
            ("Balanced", MatchAlgorithm.Balanced, Matchmakers.For(MatchAlgorithm.Balanced)),
        })
        {
            var rules = Contenders.Rules(skill, algorithm);
            Contenders.SettleHeap();
            IReadOnlyList<ProposedMatch> matches = [];
            for (var w = 0; w < WarmUpTicks; w++)
            {
                matches = matcher.FindMatches(pool, rules);
            }

            var times = new List<double>();
            long allocated = 0;
            var gen0 = GC.CollectionCount(0);
            var gen1 = GC.CollectionCount(1);
            var gen2 = GC.CollectionCount(2);
            for (var r = 0; r < repeats; r++)
            {
                var before = GC.GetAllocatedBytesForCurrentThread();
                var watch = Stopwatch.StartNew();
                matches = matcher.FindMatches(pool, rules);
                watch.Stop();
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            var gcs = $"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}";
            slowest.Add($"{name}: " + string.Join(", ", times.Select((t, i) => (t, i)).OrderByDescending(p => p.t).Take(4).Select(p => $"tick {p.i} {p.t:F1} ms")));
            var matched = matches.Sum(m => m.Tickets.Length);
            var spreads = matches.Select(m => Stats.Spread(m, t => tickets[t].Skill)).ToList();
            var imbalance = matches.Select(m => Stats.Imbalance(m, t => tickets[t].Skill, t => tickets[t].PartySize)).ToList();
            Console.WriteLine(
                $"| {name} | {Stats.Percentile(times, 50):F1} ms | {Stats.Percentile(times, 99):F1} ms | {allocated / 1048576.0:F1} MiB | {gcs} | {matches.Count:N0} | {100.0 * matched / tickets.Length:F3}% " +
                $"| {Stats.Mean(spreads):F3} / {Stats.Percentile(spreads, 95):F3} | {Stats.Mean(imbalance):F6} / {Stats.Percentile(imbalance, 95):F6} |");
        }

        Console.WriteLine();
        Console.WriteLine("Slowest timed ticks: " + string.Join("; ", slowest));
        Console.WriteLine();
    }
}
