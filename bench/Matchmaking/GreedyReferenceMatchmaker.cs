using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Bench.Matchmaking;

/// <summary>
/// The spec's reference, as it describes it: per home region (best ping), sort by (skill, id); take each unused ticket
/// as anchor; scan forward over at most 64 unused tickets while the spread stays within every taken ticket's
/// tolerance; put each ticket on the team with the lower skill sum that has room; emit at exactly TeamSize + TeamSize.
/// Two teams only. Skill sums are player-weighted (skill × party size).
/// </summary>
internal sealed class GreedyReferenceMatchmaker : IMatchmaker
{
    private const int ScanLimit = 64;

    public IReadOnlyList<ProposedMatch> FindMatches(MatchPool pool, MatchRules rules)
    {
        if (rules.TeamCount != 2)
        {
            throw new ArgumentException("The greedy reference forms two teams only.", nameof(rules));
        }

        var n = pool.Count;
        var skills = pool.Skills.ToArray();
        var parties = pool.PartySizes.ToArray();
        var tolerance = new double[n];
        var keys = new (int Group, int Region, double Skill, int Ticket)[n];
        for (var i = 0; i < n; i++)
        {
            tolerance[i] = rules.Skill.At(pool.WaitSeconds[i]);
            var pings = pool.Pings(i);
            var home = 0;
            for (var r = 1; r < pings.Length; r++)
            {
                if (pings[r] < pings[home])
                {
                    home = r;
                }
            }

            keys[i] = (pool.Groups[i], rules.Latency is null ? -1 : home, skills[i], i);
        }

        Array.Sort(keys);
        var order = keys.Select(k => k.Ticket).ToArray();

        // A linked list over sorted positions of the tickets still unused, so a scan skips used ones.
        var next = new int[n + 1];
        var prev = new int[n + 1];
        for (var k = 0; k < n; k++)
        {
            next[k] = k + 1;
            prev[k] = k - 1;
        }

        var matches = new List<ProposedMatch>();
        var taken = new List<(int Position, int Team)>(rules.MatchSize);
        for (var a = 0; a < n; a = next[a])
        {
            var anchor = order[a];
            taken.Clear();
            var sums = new double[2];
            var room = new[] { rules.TeamSize, rules.TeamSize };
            var minTolerance = tolerance[anchor];
            if (!Place(anchor, a))
            {
                continue;
            }

            var scanned = 0;
            for (var c = next[a]; c < n && scanned < ScanLimit; c = next[c])
            {
                var ticket = order[c];
                if (keys[c].Group != keys[a].Group || keys[c].Region != keys[a].Region)
                {
                    break;
                }

                scanned++;
                var spread = skills[ticket] - skills[anchor];
                if (spread > minTolerance)
                {
                    break;
                }

                if (spread > tolerance[ticket])
                {
                    continue;
                }

                if (Place(ticket, c))
                {
                    minTolerance = Math.Min(minTolerance, tolerance[ticket]);
                }

                if (room[0] == 0 && room[1] == 0)
                {
                    break;
                }
            }

            if (room[0] != 0 || room[1] != 0)
            {
                continue;
            }

            var tickets = new int[taken.Count];
            var teams = new int[taken.Count];
            for (var k = 0; k < taken.Count; k++)
            {
                var position = taken[k].Position;
                tickets[k] = order[position];
                teams[k] = taken[k].Team;
                if (position != a)
                {
                    next[prev[position]] = next[position];
                    prev[next[position]] = prev[position];
                }
            }

            // The anchor leaves the list by the loop's own step (a = next[a]); unlink it for later scans.
            if (prev[a] >= 0)
            {
                next[prev[a]] = next[a];
            }

            prev[next[a]] = prev[a];
            matches.Add(new ProposedMatch(rules.Latency is null ? -1 : keys[a].Region, tickets, teams));

            bool Place(int ticket, int position)
            {
                var party = parties[ticket];
                var lower = sums[0] <= sums[1] ? 0 : 1;
                var team = room[lower] >= party ? lower : room[1 - lower] >= party ? 1 - lower : -1;
                if (team < 0)
                {
                    return false;
                }

                room[team] -= party;
                sums[team] += skills[ticket] * party;
                taken.Add((position, team));
                return true;
            }
        }

        return matches;
    }
}
