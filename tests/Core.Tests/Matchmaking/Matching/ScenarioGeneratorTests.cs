namespace GameBackend.Core.Tests.Matchmaking.Matching;

/// <summary>The benchmark's generator reproduces the sample values the scenario spec publishes (to 1e-9).</summary>
public sealed class ScenarioGeneratorTests
{
    [Fact]
    public void SplitMix64_gives_the_published_raw_values()
    {
        var zero = new SplitMix64(0);
        Assert.Equal(0xe220a8397b1dcdafUL, zero.Next());
        Assert.Equal(0x6e789e6aa1b965f4UL, zero.Next());
        Assert.Equal(0x06c45d188009454fUL, zero.Next());

        var fortyTwo = new SplitMix64(42);
        Assert.Equal(13679457532755275413UL, fortyTwo.Next());
        Assert.Equal(2949826092126892291UL, fortyTwo.Next());
        Assert.Equal(5139283748462763858UL, fortyTwo.Next());
    }

    [Fact]
    public void Uniforms_are_the_published_values()
    {
        var random = new SplitMix64(42);
        Assert.Equal(0.7415648787718233, random.NextUniform(), 1e-15);
        Assert.Equal(0.1599103928769201, random.NextUniform(), 1e-15);
        Assert.Equal(0.27860113025513866, random.NextUniform(), 1e-15);
    }

    [Fact]
    public void The_first_tickets_of_seed_42_are_the_published_ones()
    {
        var tickets = ScenarioTickets.Generate(42, 3);
        Expect(tickets[0], 1764.6746718666807, 0, [30.48858224356369, 95.05220246839323, 194.67595142914757, 116.6972054890258], 3);
        Expect(tickets[1], 1298.8885603373672, 0, [37.18451336076116, 158.79204731941908, 159.58610931314996, 177.00364265672528], 1);
        Expect(tickets[2], 1359.7665370547118, 0, [46.00258675806359, 220.8816152774537, 114.76903905047936, 177.98054323011445], 2);
    }

    [Fact]
    public void Seed_42_has_the_published_player_count()
    {
        Assert.Equal(175_157, ScenarioTickets.Generate(42, 100_000).Sum(t => t.PartySize));
    }

    private static void Expect(ScenarioTicket ticket, double skill, int region, double[] pings, int party)
    {
        Assert.Equal(skill, ticket.Skill, 1e-9);
        Assert.Equal(region, ticket.Region);
        Assert.Equal(party, ticket.PartySize);
        for (var r = 0; r < pings.Length; r++)
        {
            Assert.Equal(pings[r], ticket.Pings[r], 1e-9);
        }
    }
}
