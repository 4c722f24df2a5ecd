using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Bench.Matchmaking;

/// <summary>A matcher under test with the name the report shows.</summary>
internal sealed record Contender(string Name, IMatchmaker Matcher);

internal static class Contenders
{
    /// <summary>The spec's rules for S1 and S2: 5v5; home region only (home pings are below 60 ms, every other region at least 60 ms more, so a 60 ms limit is exactly "within the home region").</summary>
    public static MatchRules Rules(WideningLimit skill, MatchAlgorithm algorithm) =>
        new(2, 5, skill, new WideningLimit(60, 0, 0, 60), algorithm);

    /// <summary>
    /// Runs every matcher 40 times on a 10,000-ticket pool and waits for the background JIT, so timed runs measure
    /// tier-1 code rather than the first tiers (a method is recompiled after 30 calls).
    /// </summary>
    public static void WarmUp()
    {
        var pool = Pool(ScenarioTickets.Generate(42, 10_000), _ => 0);
        var skill = new WideningLimit(200, 0, 0, 200);
        foreach (var (algorithm, matcher) in new (MatchAlgorithm, IMatchmaker)[]
        {
            (MatchAlgorithm.SkillWindow, new GreedyReferenceMatchmaker()),
            (MatchAlgorithm.SkillWindow, Matchmakers.For(MatchAlgorithm.SkillWindow)),
            (MatchAlgorithm.Balanced, Matchmakers.For(MatchAlgorithm.Balanced)),
        })
        {
            for (var i = 0; i < 40; i++)
            {
                matcher.FindMatches(pool, Rules(skill, algorithm));
            }
        }

        Thread.Sleep(500);
    }

    /// <summary>
    /// A full blocking collection between contenders, so one matcher's garbage (the greedy reference allocates
    /// about 9 MiB per tick, on the large-object heap) is not collected, by a background GC on the same core,
    /// while the next one is timed.
    /// </summary>
    public static void SettleHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    public static MatchPool Pool(IReadOnlyList<ScenarioTicket> tickets, Func<ScenarioTicket, double> wait)
    {
        var pool = new MatchPool(ScenarioTickets.RegionCount, Math.Max(tickets.Count, 1));
        Span<float> pings = stackalloc float[ScenarioTickets.RegionCount];
        foreach (var t in tickets)
        {
            for (var r = 0; r < pings.Length; r++)
            {
                pings[r] = (float)t.Pings[r];
            }

            pool.Add(t.Skill, t.PartySize, wait(t), 0, pings);
        }

        return pool;
    }
}
