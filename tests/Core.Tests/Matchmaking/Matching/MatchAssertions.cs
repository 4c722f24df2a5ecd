using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Core.Tests.Matchmaking.Matching;

/// <summary>The rules every proposal must satisfy, checked independently of how a matcher works.</summary>
internal static class MatchAssertions
{
    /// <summary>Every rule-breaking detail found, empty when all proposals are valid.</summary>
    public static List<string> Violations(MatchPool pool, MatchRules rules, IReadOnlyList<ProposedMatch> matches)
    {
        var errors = new List<string>();
        var seen = new HashSet<int>();
        for (var m = 0; m < matches.Count; m++)
        {
            var match = matches[m];
            if (match.Tickets.Length != match.Teams.Length)
            {
                errors.Add($"match {m}: {match.Tickets.Length} tickets but {match.Teams.Length} team entries");
                continue;
            }

            var players = new int[rules.TeamCount];
            var low = double.PositiveInfinity;
            var high = double.NegativeInfinity;
            for (var k = 0; k < match.Tickets.Length; k++)
            {
                var t = match.Tickets[k];
                if (t < 0 || t >= pool.Count)
                {
                    errors.Add($"match {m}: ticket {t} is not in the pool");
                    continue;
                }

                if (!seen.Add(t))
                {
                    errors.Add($"match {m}: ticket {t} appears twice");
                }

                if (match.Teams[k] < 0 || match.Teams[k] >= rules.TeamCount)
                {
                    errors.Add($"match {m}: team {match.Teams[k]} out of range");
                    continue;
                }

                players[match.Teams[k]] += pool.PartySizes[t];
                low = Math.Min(low, pool.Skills[t]);
                high = Math.Max(high, pool.Skills[t]);
                if (pool.Groups[t] != pool.Groups[match.Tickets[0]])
                {
                    errors.Add($"match {m}: groups {pool.Groups[t]} and {pool.Groups[match.Tickets[0]]} mixed");
                }
            }

            for (var team = 0; team < rules.TeamCount; team++)
            {
                if (players[team] != rules.TeamSize)
                {
                    errors.Add($"match {m}: team {team} has {players[team]} players, not {rules.TeamSize}");
                }
            }

            foreach (var t in match.Tickets)
            {
                if (t < 0 || t >= pool.Count)
                {
                    continue;
                }

                var tolerance = rules.Skill.At(pool.WaitSeconds[t]);
                if (high - low > tolerance)
                {
                    errors.Add($"match {m}: spread {high - low} exceeds ticket {t}'s tolerance {tolerance}");
                }

                if (rules.Latency is { } latency)
                {
                    if (match.Region < 0 || match.Region >= pool.RegionCount)
                    {
                        errors.Add($"match {m}: region {match.Region} out of range");
                    }
                    else if (pool.Pings(t)[match.Region] > latency.At(pool.WaitSeconds[t]))
                    {
                        errors.Add($"match {m}: ticket {t} pings {pool.Pings(t)[match.Region]} ms to region {match.Region}, above its limit {latency.At(pool.WaitSeconds[t])}");
                    }
                }
            }

            if (rules.Latency is null && match.Region != -1)
            {
                errors.Add($"match {m}: region {match.Region} without a latency rule");
            }
        }

        return errors;
    }

    public static void AllValid(MatchPool pool, MatchRules rules, IReadOnlyList<ProposedMatch> matches)
    {
        var errors = Violations(pool, rules, matches);
        Assert.True(errors.Count == 0, string.Join("\n", errors.Take(20)));
    }

    /// <summary>The two-team gap of player-weighted mean skills, or for more teams the highest minus the lowest team mean.</summary>
    public static double TeamGap(MatchPool pool, MatchRules rules, ProposedMatch match)
    {
        var sums = new double[rules.TeamCount];
        for (var k = 0; k < match.Tickets.Length; k++)
        {
            var t = match.Tickets[k];
            sums[match.Teams[k]] += pool.Skills[t] * pool.PartySizes[t];
        }

        return (sums.Max() - sums.Min()) / rules.TeamSize;
    }
}
