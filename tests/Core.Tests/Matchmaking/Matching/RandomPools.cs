using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Core.Tests.Matchmaking.Matching;

/// <summary>Seeded random pools with parties, waits, groups and pings, for property-style tests.</summary>
internal static class RandomPools
{
    public static MatchPool Create(int seed, int tickets, int regions, int maxParty, int groups, double maxWait)
    {
        var random = new Random(seed);
        var pool = new MatchPool(regions);
        var pings = new float[regions];
        for (var i = 0; i < tickets; i++)
        {
            var home = random.Next(regions);
            for (var r = 0; r < regions; r++)
            {
                pings[r] = r == home ? 15 + (float)(random.NextDouble() * 45) : 60 + (float)(random.NextDouble() * 150);
            }

            var party = random.NextDouble() < 0.6 ? 1 : 1 + random.Next(maxParty);
            var skill = Math.Clamp(1500 + (400 * Normal(random)), 0, 3000);
            pool.Add(skill, party, random.NextDouble() * maxWait, random.Next(groups), pings);
        }

        return pool;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
