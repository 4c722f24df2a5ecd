using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Core.Tests.Matchmaking.Matching;

/// <summary>Widening, region choice, balance and determinism.</summary>
public sealed class MatchmakerBehaviourTests
{
    private static MatchPool TenSolos(double outlierSkill, double waitOthers, double waitOutlier)
    {
        var pool = new MatchPool(1);
        for (var i = 0; i < 9; i++)
        {
            pool.Add(1000 + i, 1, waitOthers, 0, [20f]);
        }

        pool.Add(outlierSkill, 1, waitOutlier, 0, [20f]);
        return pool;
    }

    [Theory]
    [InlineData(MatchAlgorithm.SkillWindow)]
    [InlineData(MatchAlgorithm.Balanced)]
    public void Widening_lets_tickets_that_waited_match(MatchAlgorithm algorithm)
    {
        // 50 at first, +50 every 10 s: a spread of 200 needs every ticket to have waited 30 s.
        var rules = new MatchRules(2, 5, new WideningLimit(50, 50, 10, 400), null, algorithm);
        var matcher = Matchmakers.For(algorithm);

        Assert.Empty(matcher.FindMatches(TenSolos(1200, 0, 0), rules));
        Assert.Empty(matcher.FindMatches(TenSolos(1200, 0, 60), rules));
        Assert.Empty(matcher.FindMatches(TenSolos(1200, 29, 29), rules));

        var pool = TenSolos(1200, 30, 30);
        var match = Assert.Single(matcher.FindMatches(pool, rules));
        MatchAssertions.AllValid(pool, rules, [match]);
    }

    [Theory]
    [InlineData(MatchAlgorithm.SkillWindow)]
    [InlineData(MatchAlgorithm.Balanced)]
    public void A_match_is_hosted_where_every_ticket_pings_low(MatchAlgorithm algorithm)
    {
        var pool = new MatchPool(3);
        for (var i = 0; i < 10; i++)
        {
            pool.Add(1500, 1, 0, 0, [90f, 25f, 150f]);
        }

        var rules = new MatchRules(2, 5, new WideningLimit(100, 0, 0, 100), new WideningLimit(50, 0, 0, 50), algorithm);
        var match = Assert.Single(Matchmakers.For(algorithm).FindMatches(pool, rules));
        Assert.Equal(1, match.Region);
    }

    [Theory]
    [InlineData(MatchAlgorithm.SkillWindow)]
    [InlineData(MatchAlgorithm.Balanced)]
    public void A_widened_latency_limit_reaches_beyond_the_best_region(MatchAlgorithm algorithm)
    {
        // Five tickets close to region 0, five close to region 1; 60 ms apart. Latency limit: 40 ms, +30 ms after 10 s.
        static MatchPool Pool(double waitOfRegionOneTickets)
        {
            var pool = new MatchPool(2);
            for (var i = 0; i < 5; i++)
            {
                pool.Add(1500 + i, 1, 0, 0, [20f, 80f]);
                pool.Add(1500 + i, 1, waitOfRegionOneTickets, 0, [80f, 20f]);
            }

            return pool;
        }

        var rules = new MatchRules(2, 5, new WideningLimit(100, 0, 0, 100), new WideningLimit(40, 40, 10, 200), algorithm);
        var matcher = Matchmakers.For(algorithm);
        Assert.Empty(matcher.FindMatches(Pool(0), rules));

        var widened = Pool(10);
        var match = Assert.Single(matcher.FindMatches(widened, rules));
        MatchAssertions.AllValid(widened, rules, [match]);
        Assert.Equal(0, match.Region);
    }

    [Theory]
    [InlineData(MatchAlgorithm.SkillWindow)]
    [InlineData(MatchAlgorithm.Balanced)]
    public void A_ticket_that_cannot_tolerate_the_spread_is_left_out(MatchAlgorithm algorithm)
    {
        // Ten tickets that waited 60 s (tolerance 350) span 200; a fresh ticket (tolerance 50) sits among them.
        var rules = new MatchRules(2, 5, new WideningLimit(50, 50, 10, 400), null, algorithm);
        var pool = new MatchPool(1);
        for (var i = 0; i < 9; i++)
        {
            pool.Add(1000 + (10 * i), 1, 60, 0, [20f]);
        }

        var fresh = pool.Add(1005, 1, 0, 0, [20f]);
        pool.Add(1200, 1, 60, 0, [20f]);
        var match = Assert.Single(Matchmakers.For(algorithm).FindMatches(pool, rules));
        MatchAssertions.AllValid(pool, rules, [match]);
        Assert.DoesNotContain(fresh, match.Tickets);
    }

    [Theory]
    [InlineData(MatchAlgorithm.SkillWindow)]
    [InlineData(MatchAlgorithm.Balanced)]
    public void Parties_are_packed_where_filling_in_skill_order_gets_stuck(MatchAlgorithm algorithm)
    {
        // In skill order 2, 2, 2, 1, 3: filling as they come gives 4 + 3 and no room for the 3;
        // {2, 3} against {2, 2, 1} exists.
        var pool = new MatchPool(1);
        var parties = new[] { 2, 2, 2, 1, 3 };
        for (var i = 0; i < parties.Length; i++)
        {
            pool.Add(1500 + i, parties[i], 0, 0, [20f]);
        }

        var rules = new MatchRules(2, 5, new WideningLimit(100, 0, 0, 100), null, algorithm);
        var match = Assert.Single(Matchmakers.For(algorithm).FindMatches(pool, rules));
        MatchAssertions.AllValid(pool, rules, [match]);
        Assert.Equal(5, match.Tickets.Length);
    }

    [Fact]
    public void Without_a_latency_rule_regions_are_ignored()
    {
        var pool = new MatchPool(2);
        for (var i = 0; i < 5; i++)
        {
            pool.Add(1500, 1, 0, 0, [20f, 300f]);
            pool.Add(1500, 1, 0, 0, [300f, 20f]);
        }

        var rules = new MatchRules(2, 5, new WideningLimit(100, 0, 0, 100), null, MatchAlgorithm.SkillWindow);
        var match = Assert.Single(Matchmakers.For(MatchAlgorithm.SkillWindow).FindMatches(pool, rules));
        Assert.Equal(-1, match.Region);
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(2, 3)]
    [InlineData(3, 3)]
    [InlineData(4, 3)]
    [InlineData(2, 12)]
    public void Balanced_picks_the_same_tickets_and_never_splits_worse(int teamCount, int teamSize)
    {
        var rules = new MatchRules(teamCount, teamSize, new WideningLimit(150, 50, 10, 500), null, MatchAlgorithm.Balanced);
        var fastTotal = 0.0;
        var balancedTotal = 0.0;
        for (var seed = 1; seed <= 5; seed++)
        {
            var pool = RandomPools.Create(seed, tickets: 1500, regions: 1, maxParty: teamSize, groups: 2, maxWait: 30);
            var fast = Matchmakers.For(MatchAlgorithm.SkillWindow).FindMatches(pool, rules);
            var balanced = Matchmakers.For(MatchAlgorithm.Balanced).FindMatches(pool, rules);
            MatchAssertions.AllValid(pool, rules, balanced);
            Assert.Equal(fast.Count, balanced.Count);
            for (var m = 0; m < fast.Count; m++)
            {
                Assert.Equal(fast[m].Tickets, balanced[m].Tickets);
                var fastGap = MatchAssertions.TeamGap(pool, rules, fast[m]);
                var balancedGap = MatchAssertions.TeamGap(pool, rules, balanced[m]);
                Assert.True(balancedGap <= fastGap + 1e-9, $"match {m}: balanced gap {balancedGap} > fast gap {fastGap}");
                fastTotal += fastGap;
                balancedTotal += balancedGap;
            }
        }

        Assert.True(balancedTotal < fastTotal, $"balanced {balancedTotal} is no better than fast {fastTotal}");
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(3, 2)]
    [InlineData(2, 4)]
    public void Balanced_split_is_the_best_split(int teamCount, int teamSize)
    {
        var rules = new MatchRules(teamCount, teamSize, new WideningLimit(300, 0, 0, 300), null, MatchAlgorithm.Balanced);
        var pool = RandomPools.Create(9, tickets: 400, regions: 1, maxParty: teamSize, groups: 1, maxWait: 0);
        var matches = Matchmakers.For(MatchAlgorithm.Balanced).FindMatches(pool, rules);
        Assert.NotEmpty(matches);
        foreach (var match in matches)
        {
            var best = BruteForceBestGap(pool, rules, match.Tickets);
            Assert.Equal(best, MatchAssertions.TeamGap(pool, rules, match), 9);
        }
    }

    [Theory]
    [InlineData(MatchAlgorithm.SkillWindow)]
    [InlineData(MatchAlgorithm.Balanced)]
    public void The_same_pool_gives_the_same_matches(MatchAlgorithm algorithm)
    {
        var rules = new MatchRules(2, 5, new WideningLimit(80, 40, 10, 400), new WideningLimit(60, 30, 10, 200), algorithm);
        var first = Matchmakers.For(algorithm).FindMatches(RandomPools.Create(5, 3000, 4, 5, 2, 60), rules);
        var again = new SkillWindowMatchmaker();
        var second = Matchmakers.For(algorithm, new MatchmakerOptions()).FindMatches(RandomPools.Create(5, 3000, 4, 5, 2, 60), rules);
        Assert.NotEmpty(first);
        Assert.Equal(first.Count, second.Count);
        for (var m = 0; m < first.Count; m++)
        {
            Assert.Equal(first[m].Region, second[m].Region);
            Assert.Equal(first[m].Tickets, second[m].Tickets);
            Assert.Equal(first[m].Teams, second[m].Teams);
        }

        Assert.NotNull(again);
    }

    [Fact]
    public void Hold_back_leaves_loose_matches_of_young_tickets_for_later()
    {
        var rules = new MatchRules(1, 2, new WideningLimit(100, 0, 0, 100), null, MatchAlgorithm.SkillWindow);
        // Preferred: 20 at first, then 20 more for every 5 s of the longest wait.
        var options = new MatchmakerOptions { PreferredSpread = new WideningLimit(20, 20, 5, 100) };
        static MatchPool Pair(double wait)
        {
            var pool = new MatchPool(1);
            pool.Add(1500, 1, wait, 0, [20f]);
            pool.Add(1550, 1, wait, 0, [20f]);
            return pool;
        }

        Assert.Empty(new SkillWindowMatchmaker(options).FindMatches(Pair(0), rules));
        Assert.Empty(new SkillWindowMatchmaker(options).FindMatches(Pair(5), rules));
        Assert.Single(new SkillWindowMatchmaker(options).FindMatches(Pair(10), rules));
        Assert.Single(new SkillWindowMatchmaker().FindMatches(Pair(0), rules));
    }

    private static double BruteForceBestGap(MatchPool pool, MatchRules rules, int[] tickets)
    {
        var best = double.PositiveInfinity;
        var teams = new int[tickets.Length];
        var total = (int)Math.Pow(rules.TeamCount, tickets.Length);
        for (var code = 0; code < total; code++)
        {
            var rest = code;
            for (var k = 0; k < tickets.Length; k++)
            {
                teams[k] = rest % rules.TeamCount;
                rest /= rules.TeamCount;
            }

            var players = new int[rules.TeamCount];
            for (var k = 0; k < tickets.Length; k++)
            {
                players[teams[k]] += pool.PartySizes[tickets[k]];
            }

            if (players.Any(p => p != rules.TeamSize))
            {
                continue;
            }

            best = Math.Min(best, MatchAssertions.TeamGap(pool, rules, new ProposedMatch(-1, tickets, (int[])teams.Clone())));
        }

        return best;
    }
}
