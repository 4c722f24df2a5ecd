using System.Runtime;
using BenchmarkDotNet.Running;
using GameBackend.Bench.Matchmaking;
using GameBackend.Core.Matchmaking.Matching;

// Scenarios of ../shared/bench/matchmaking-scenarios.md. Arguments: any of s1 s2 s3 scaling bdn (default: s1 s2 s3
// scaling); "--repeats N" for S1's timed repeats (default 100); "--preferred I,S,E" / "--preferred-sparse I,S,E" for
// the preferred spread (I + S every E ticks of the longest wait) of the "+ hold-back" contenders in S2 and S2-sparse;
// s2sweep tries preferred spreads (--sweep-initial, --sweep-step, --sweep-per-tick: comma-separated lists).
var repeats = (int)Option("--repeats", 100);
var dense = Preferred("--preferred", [50, 25, 1]);
var sparse = Preferred("--preferred-sparse", [50, 3, 1]);
var scenarios = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) && !double.TryParse(a, out _)).ToHashSet();
if (scenarios.Count == 0)
{
    scenarios = ["s1", "s2", "s3", "scaling"];
}

Console.WriteLine($"# Matchmaking scenarios — {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} logical CPUs visible, " +
    $".NET {Environment.Version}, GC {(GCSettings.IsServerGC ? "server" : "workstation")}{(GCSettings.LatencyMode == GCLatencyMode.Batch ? " (non-concurrent)" : " (concurrent)")}, load {Load()}");
Console.WriteLine();

if (scenarios.Contains("bdn"))
{
    BenchmarkRunner.Run<BurstBenchmarks>(args: []);
}

if (scenarios.Contains("s1"))
{
    BurstScenario.Run(repeats);
}

if (scenarios.Contains("s2"))
{
    foreach (var (label, perTick, seed, preferred) in new[] { ("S2", 300, 43UL, dense), ("S2-sparse", 20, 43UL, sparse), ("S2, seed 44", 300, 44UL, dense), ("S2-sparse, seed 44", 20, 44UL, sparse) })
    {
        var hold = new MatchmakerOptions { PreferredSpread = preferred };
        Console.WriteLine($"## {label}: {perTick} tickets per tick, seed {seed}, {SteadyStateScenario.Ticks} ticks of which {SteadyStateScenario.WarmUpTicks} warm-up; hold-back: preferred spread {preferred}");
        Console.WriteLine(SteadyStateScenario.Header);
        Console.WriteLine(SteadyStateScenario.Run("greedy reference", new GreedyReferenceMatchmaker(), MatchAlgorithm.SkillWindow, perTick, seed).Row());
        Console.WriteLine(SteadyStateScenario.Run("SkillWindow", new SkillWindowMatchmaker(), MatchAlgorithm.SkillWindow, perTick, seed).Row());
        Console.WriteLine(SteadyStateScenario.Run("Balanced", new BalancedMatchmaker(), MatchAlgorithm.Balanced, perTick, seed).Row());
        Console.WriteLine(SteadyStateScenario.Run("SkillWindow + hold-back", new SkillWindowMatchmaker(hold), MatchAlgorithm.SkillWindow, perTick, seed).Row());
        Console.WriteLine(SteadyStateScenario.Run("Balanced + hold-back", new BalancedMatchmaker(hold), MatchAlgorithm.Balanced, perTick, seed).Row());
        Console.WriteLine();
    }
}

if (scenarios.Contains("s2sweep"))
{
    var sweepInitial = List("--sweep-initial", [35, 50]);
    var sweepStep = List("--sweep-step", [5, 10, 1000]);
    foreach (var perTick in List("--sweep-per-tick", [300, 20]).Select(v => (int)v))
    {
        Console.WriteLine($"## S2 hold-back sweep, {perTick} per tick, seeds 43 and 44");
        Console.WriteLine(SteadyStateScenario.Header);
        foreach (var seed in new[] { 43UL, 44UL })
        {
            Console.WriteLine(SteadyStateScenario.Run($"greedy, seed {seed}", new GreedyReferenceMatchmaker(), MatchAlgorithm.SkillWindow, perTick, seed).Row());
            foreach (var initial in sweepInitial)
            {
                foreach (var step in sweepStep)
                {
                    var preferred = new WideningLimit(initial, step, 1, double.PositiveInfinity);
                    var options = new MatchmakerOptions { PreferredSpread = preferred };
                    Console.WriteLine(SteadyStateScenario.Run($"Balanced, preferred {initial} + {step}/tick, seed {seed}", new BalancedMatchmaker(options), MatchAlgorithm.Balanced, perTick, seed).Row());
                }
            }
        }

        Console.WriteLine();
    }
}

if (scenarios.Contains("scaling"))
{
    ScalingScenario.Run();
}

if (scenarios.Contains("s3"))
{
    Console.WriteLine("## S3 rating loop: 10,000 players, Glicko-2 (GameBackend.Core.Ratings.Glicko2), τ = 0.5");
    RatingLoopScenario.Run("spec pairing (neighbours by rating)", RatingLoopScenario.Neighbours);
    RatingLoopScenario.Run("not the spec: neighbours, shifted by one in odd periods", RatingLoopScenario.ShiftedNeighbours);
    RatingLoopScenario.Run("not the spec: blocks of four, 1st v 3rd and 2nd v 4th", RatingLoopScenario.Interleaved);
}

double Option(string name, double fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? double.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

double[] List(string name, double[] fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length
        ? args[i + 1].Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
        : fallback;
}

WideningLimit Preferred(string name, double[] fallback)
{
    var v = List(name, fallback);
    return new WideningLimit(v[0], v[1], v[2], double.PositiveInfinity);
}

static string Load()
{
    try
    {
        return File.ReadAllText("/proc/loadavg").Trim();
    }
    catch (IOException)
    {
        return "unknown";
    }
}
