using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Core.Tests.Matchmaking.Matching;

/// <summary>Both built-in matchmakers, on seeded random pools: every proposal obeys every rule, and they do match.</summary>
public sealed class MatchmakerRuleTests
{
    private static readonly WideningLimit Skill = new(60, 30, 10, 400);
    private static readonly WideningLimit Latency = new(60, 25, 10, 200);

    public static TheoryData<MatchAlgorithm, int, int, bool> Shapes()
    {
        var data = new TheoryData<MatchAlgorithm, int, int, bool>();
        foreach (var algorithm in new[] { MatchAlgorithm.SkillWindow, MatchAlgorithm.Balanced })
        {
            foreach (var (teams, size) in new[] { (2, 1), (2, 3), (2, 5), (3, 2), (4, 3), (1, 4), (2, 8) })
            {
                data.Add(algorithm, teams, size, false);
                data.Add(algorithm, teams, size, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_proposal_obeys_the_rules_on_random_pools(MatchAlgorithm algorithm, int teamCount, int teamSize, bool latency)
    {
        var rules = new MatchRules(teamCount, teamSize, Skill, latency ? Latency : null, algorithm);
        var matcher = Matchmakers.For(algorithm);
        var matchedTickets = 0;
        var tickets = 0;
        for (var seed = 1; seed <= 12; seed++)
        {
            // Parties up to one more than a team holds: those tickets can never be matched and must not be.
            var pool = RandomPools.Create(seed, tickets: 400, regions: 3, maxParty: teamSize + 1, groups: 3, maxWait: 60);
            var matches = matcher.FindMatches(pool, rules);
            MatchAssertions.AllValid(pool, rules, matches);
            matchedTickets += matches.Sum(m => m.Tickets.Length);
            tickets += pool.Count;
        }

        // A matcher that proposes nothing obeys every rule; this one must also match (buckets here are small:
        // 400 tickets over 3 groups and 3 regions, so large matches are rare).
        Assert.True(matchedTickets > tickets / 10, $"only {matchedTickets} of {tickets} tickets matched");
    }

    [Fact]
    public void The_validator_catches_a_broken_proposal()
    {
        var pool = RandomPools.Create(3, tickets: 50, regions: 2, maxParty: 1, groups: 1, maxWait: 0);
        var rules = new MatchRules(2, 1, new WideningLimit(3000, 0, 0, 3000), null, MatchAlgorithm.SkillWindow);
        Assert.NotEmpty(MatchAssertions.Violations(pool, rules, [new ProposedMatch(-1, [0, 0], [0, 1])]));
        Assert.NotEmpty(MatchAssertions.Violations(pool, rules, [new ProposedMatch(-1, [0, 1], [0, 0])]));
        Assert.NotEmpty(MatchAssertions.Violations(pool, rules, [new ProposedMatch(0, [0, 1], [0, 1])]));
        Assert.Empty(MatchAssertions.Violations(pool, rules, [new ProposedMatch(-1, [0, 1], [0, 1])]));
    }

    [Theory]
    [InlineData(MatchAlgorithm.SkillWindow)]
    [InlineData(MatchAlgorithm.Balanced)]
    public void No_match_of_solos_is_left_on_the_table(MatchAlgorithm algorithm)
    {
        var pool = RandomPools.Create(11, tickets: 2000, regions: 1, maxParty: 1, groups: 1, maxWait: 0);
        var rules = new MatchRules(2, 5, new WideningLimit(200, 0, 0, 200), null, algorithm);
        var matches = Matchmakers.For(algorithm).FindMatches(pool, rules);
        MatchAssertions.AllValid(pool, rules, matches);
        Assert.True(matches.Count >= 195, $"{matches.Count} matches");

        // Maximal: no 10 unmatched solos lie within the tolerance of each other.
        var matched = matches.SelectMany(m => m.Tickets).ToHashSet();
        var left = Enumerable.Range(0, pool.Count).Where(t => !matched.Contains(t)).Select(t => pool.Skills[t]).Order().ToArray();
        for (var k = 0; k + 9 < left.Length; k++)
        {
            Assert.True(left[k + 9] - left[k] > 200, $"unmatched solos {left[k]}..{left[k + 9]} would make a match");
        }
    }

    [Theory]
    [InlineData(MatchAlgorithm.SkillWindow)]
    [InlineData(MatchAlgorithm.Balanced)]
    public void Parties_fill_teams_exactly(MatchAlgorithm algorithm)
    {
        // 3 + 2 against 4 + 1: the only split is {3, 2} | {4, 1}.
        var pool = new MatchPool(1);
        foreach (var party in new[] { 3, 4, 2, 1 })
        {
            pool.Add(1500, party, 0, 0, [20f]);
        }

        var rules = new MatchRules(2, 5, new WideningLimit(100, 0, 0, 100), null, algorithm);
        var match = Assert.Single(Matchmakers.For(algorithm).FindMatches(pool, rules));
        MatchAssertions.AllValid(pool, rules, [match]);
        var teamOf = match.Tickets.Zip(match.Teams).ToDictionary(p => p.First, p => p.Second);
        Assert.Equal(teamOf[0], teamOf[2]);
        Assert.Equal(teamOf[1], teamOf[3]);
        Assert.NotEqual(teamOf[0], teamOf[1]);
    }

    [Theory]
    [InlineData(MatchAlgorithm.SkillWindow)]
    [InlineData(MatchAlgorithm.Balanced)]
    public void Groups_never_meet(MatchAlgorithm algorithm)
    {
        var pool = new MatchPool(1);
        for (var i = 0; i < 10; i++)
        {
            pool.Add(1500 + i, 1, 0, i % 2, [20f]);
        }

        var rules = new MatchRules(2, 5, new WideningLimit(100, 0, 0, 100), null, algorithm);
        Assert.Empty(Matchmakers.For(algorithm).FindMatches(pool, rules));
    }
}
