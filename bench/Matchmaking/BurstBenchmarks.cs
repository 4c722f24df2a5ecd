using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Bench.Matchmaking;

/// <summary>S1's tick under BenchmarkDotNet: mean, percentiles and allocations per tick, beside the greedy reference.</summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class BurstBenchmarks
{
    private MatchPool _pool = null!;
    private MatchRules _skillWindowRules = null!;
    private MatchRules _balancedRules = null!;
    private readonly IMatchmaker _greedy = new GreedyReferenceMatchmaker();

    [GlobalSetup]
    public void Setup()
    {
        _pool = Contenders.Pool(ScenarioTickets.Generate(42, 100_000), _ => 0);
        var skill = new WideningLimit(200, 0, 0, 200);
        _skillWindowRules = Contenders.Rules(skill, MatchAlgorithm.SkillWindow);
        _balancedRules = Contenders.Rules(skill, MatchAlgorithm.Balanced);
    }

    [Benchmark(Baseline = true, Description = "greedy reference")]
    public int Greedy() => _greedy.FindMatches(_pool, _skillWindowRules).Count;

    [Benchmark(Description = "SkillWindow")]
    public int SkillWindow() => Matchmakers.For(MatchAlgorithm.SkillWindow).FindMatches(_pool, _skillWindowRules).Count;

    [Benchmark(Description = "Balanced")]
    public int Balanced() => Matchmakers.For(MatchAlgorithm.Balanced).FindMatches(_pool, _balancedRules).Count;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            // In-process: no separate benchmark project to build on a 2-core machine shared with other builds.
            AddJob(Job.Default.WithWarmupCount(5).WithIterationCount(15).WithLaunchCount(1).WithToolchain(InProcessEmitToolchain.Instance));
            AddColumn(StatisticColumn.P95);
        }
    }
}
