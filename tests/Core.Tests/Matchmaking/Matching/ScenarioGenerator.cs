namespace GameBackend.Core.Tests.Matchmaking.Matching;

/// <summary>
/// SplitMix64, exactly as docs' matchmaking scenario spec (../shared/bench/matchmaking-scenarios.md) defines it, so
/// any port draws the same tickets. This file is compiled into Core.Tests (which checks the spec's sample values)
/// and, by a link in bench/Matchmaking/Matchmaking.csproj, into the benchmark, so both use the same code.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform in [0, 1): the top 53 bits.</summary>
    public double NextUniform() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Box–Muller, cosine branch only, u1 drawn before u2: two draws per normal.</summary>
    public double NextNormal()
    {
        var u1 = NextUniform();
        var u2 = NextUniform();
        return Math.Sqrt(-2 * Math.Log(1 - u1)) * Math.Cos(2 * Math.PI * u2);
    }
}

/// <summary>One generated ticket: skill, home region (0 na, 1 eu, 2 asia, 3 sa), pings to the four regions, party size.</summary>
internal readonly record struct ScenarioTicket(int Id, double Skill, int Region, double[] Pings, int PartySize);

/// <summary>The spec's ticket generator: exactly 8 draws per ticket, in the spec's order.</summary>
internal static class ScenarioTickets
{
    public const int RegionCount = 4;

    public static readonly string[] RegionNames = ["na", "eu", "asia", "sa"];

    private static readonly double[] RegionWeights = [0.35, 0.70, 0.90, 1.0];

    private static readonly double[] PartyThresholds = [0.60, 0.80, 0.90, 0.95];

    public static ScenarioTicket Next(SplitMix64 random, int id)
    {
        var skill = Math.Clamp(1500 + (300 * random.NextNormal()), 0, 3000);

        var u = random.NextUniform();
        var region = 0;
        while (region < RegionCount - 1 && u >= RegionWeights[region])
        {
            region++;
        }

        var pings = new double[RegionCount];
        var home = 15 + (45 * random.NextUniform());
        pings[region] = home;
        for (var r = 0; r < RegionCount; r++)
        {
            if (r != region)
            {
                pings[r] = home + 60 + (120 * random.NextUniform());
            }
        }

        u = random.NextUniform();
        var party = 1;
        while (party <= PartyThresholds.Length && u >= PartyThresholds[party - 1])
        {
            party++;
        }

        return new ScenarioTicket(id, skill, region, pings, party);
    }

    public static ScenarioTicket[] Generate(ulong seed, int count)
    {
        var random = new SplitMix64(seed);
        var tickets = new ScenarioTicket[count];
        for (var i = 0; i < count; i++)
        {
            tickets[i] = Next(random, i);
        }

        return tickets;
    }
}
