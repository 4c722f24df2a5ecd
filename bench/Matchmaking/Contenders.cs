using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Bench.Matchmaking;

/// <summary>A matcher under test with the name the report shows.</summary>
internal sealed record Contender(string Name, IMatchmaker Matcher);

internal static class Contenders
{
    /// <summary>The spec's rules for S1 and S2: 5v5; home region only (home pings are below 60 ms, every other region at least 60 ms more, so a 60 ms limit is exactly "within the home region").</summary>
    public static MatchRules Rules(WideningLimit skill, MatchAlgorithm algorithm) =>
        new(2, 5, skill, new WideningLimit(60, 0, 0, 60), algorithm);

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
