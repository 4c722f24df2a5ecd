namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>
/// The ticket selection both built-in matchmakers share. Per (group, region), tickets sorted by (skill, index) are cut
/// into windows of consecutive tickets whose parties add up to exactly one match; a dynamic programme picks the set
/// of disjoint windows with the least cost, where a window costs its spread and a ticket left out costs
/// <see cref="Unmatched"/> (or, while it may be held back, a share of <see cref="MatchmakerOptions.HoldBackSpread"/>).
/// So it first matches as many tickets as it can, then, among those choices, keeps the total spread smallest.
/// </summary>
/// <remarks>
/// Because party sizes are at least 1, for every window end there is at most one start whose parties add up to the
/// match size, found with a moving pointer: the programme is O(m · players per match) per bucket of m tickets, after
/// an O(n log n) sort. With a latency rule, a first pass matches each ticket in its best region; a second pass offers
/// every ticket still unmatched to every region its (possibly widened) limit allows, regions in index order.
/// </remarks>
internal static class SkillWindowSelection
{
    /// <summary>The cost of leaving a ticket out when it may not be held back: larger than any sum of spreads.</summary>
    private const double Unmatched = 1e9;

    private const int Ineligible = int.MinValue;

    public static List<ProposedMatch> Find(MatchPool pool, MatchRules rules, MatchmakerOptions options, bool balanceTeams)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfLessThan(rules.TeamCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rules.TeamSize, 1);

        var n = pool.Count;
        var matches = new List<ProposedMatch>();
        if (n == 0)
        {
            return matches;
        }

        var state = new State(pool, rules, options, balanceTeams, matches);
        state.Run();
        return matches;
    }

    /// <summary>A ticket's place in the sort: bucket first, then skill, then index, so the order is total and deterministic.</summary>
    private readonly record struct Entry(int Group, int Region, double Skill, int Ticket) : IComparable<Entry>
    {
        public int CompareTo(Entry other)
        {
            var c = Group.CompareTo(other.Group);
            if (c != 0)
            {
                return c;
            }

            c = Region.CompareTo(other.Region);
            if (c != 0)
            {
                return c;
            }

            c = Skill.CompareTo(other.Skill);
            return c != 0 ? c : Ticket.CompareTo(other.Ticket);
        }
    }

    private sealed class State
    {
        private readonly MatchPool _pool;
        private readonly MatchRules _rules;
        private readonly bool _balanceTeams;
        private readonly List<ProposedMatch> _matches;
        private readonly int _matchSize;
        private readonly double[] _tolerance;
        private readonly double[] _skipCost;
        private readonly double[]? _latencyLimit;
        private readonly int[] _bestRegion;
        private readonly bool[] _used;
        private readonly TeamSplitter _splitter;
        private readonly int[] _windowSizes;
        private readonly double[] _windowSkills;
        private readonly int[] _windowTeams;
        private Entry[] _entries;
        private readonly int[] _bucket;
        private readonly int[] _prefix;
        private readonly double[] _cost;
        private readonly int[] _from;

        public State(MatchPool pool, MatchRules rules, MatchmakerOptions options, bool balanceTeams, List<ProposedMatch> matches)
        {
            _pool = pool;
            _rules = rules;
            _balanceTeams = balanceTeams;
            _matches = matches;
            _matchSize = rules.MatchSize;
            var n = pool.Count;
            _tolerance = new double[n];
            _skipCost = new double[n];
            _bestRegion = new int[n];
            _used = new bool[n];
            _splitter = new TeamSplitter(rules.TeamCount, rules.TeamSize);
            _windowSizes = new int[_matchSize];
            _windowSkills = new double[_matchSize];
            _windowTeams = new int[_matchSize];
            _entries = new Entry[n];
            _bucket = new int[n];
            _prefix = new int[n + 1];
            _cost = new double[n + 1];
            _from = new int[n + 1];

            var waits = pool.WaitSeconds;
            var parties = pool.PartySizes;
            var holdPerPlayer = options.HoldSeconds > 0 ? Math.Max(options.HoldBackSpread, 0) / _matchSize : 0;
            if (rules.Latency is not null)
            {
                _latencyLimit = new double[n];
            }

            for (var i = 0; i < n; i++)
            {
                _tolerance[i] = rules.Skill.At(waits[i]);
                _skipCost[i] = options.HoldSeconds > 0 && waits[i] < options.HoldSeconds ? holdPerPlayer * parties[i] : Unmatched;
                if (parties[i] > rules.TeamSize)
                {
                    _bestRegion[i] = Ineligible;
                    continue;
                }

                if (_latencyLimit is null)
                {
                    _bestRegion[i] = -1;
                    continue;
                }

                var limit = rules.Latency!.Value.At(waits[i]);
                _latencyLimit[i] = limit;
                var pings = pool.Pings(i);
                var best = 0;
                for (var r = 1; r < pings.Length; r++)
                {
                    if (pings[r] < pings[best])
                    {
                        best = r;
                    }
                }

                _bestRegion[i] = pings[best] <= limit ? best : Ineligible;
            }
        }

        public void Run()
        {
            var n = _pool.Count;
            var skills = _pool.Skills;
            var groups = _pool.Groups;
            var count = 0;
            for (var i = 0; i < n; i++)
            {
                if (_bestRegion[i] != Ineligible)
                {
                    _entries[count++] = new Entry(groups[i], _bestRegion[i], skills[i], i);
                }
            }

            MatchBuckets(count);
            if (_latencyLimit is null || _pool.RegionCount == 1)
            {
                return;
            }

            // Second pass: tickets still waiting, in every region their limit allows (a widened limit reaches
            // beyond the best region). A ticket sits in several buckets; the first match to take it wins.
            count = 0;
            var widened = false;
            for (var i = 0; i < n; i++)
            {
                if (_used[i] || _bestRegion[i] == Ineligible)
                {
                    continue;
                }

                var pings = _pool.Pings(i);
                for (var r = 0; r < pings.Length; r++)
                {
                    if (pings[r] <= _latencyLimit[i])
                    {
                        if (count == _entries.Length)
                        {
                            Array.Resize(ref _entries, _entries.Length * 2);
                        }

                        _entries[count++] = new Entry(groups[i], r, skills[i], i);
                        widened |= r != _bestRegion[i];
                    }
                }
            }

            if (widened)
            {
                MatchBuckets(count);
            }
        }

        private void MatchBuckets(int count)
        {
            Array.Sort(_entries, 0, count);
            var start = 0;
            while (start < count)
            {
                var end = start + 1;
                while (end < count && _entries[end].Group == _entries[start].Group && _entries[end].Region == _entries[start].Region)
                {
                    end++;
                }

                var m = 0;
                for (var k = start; k < end; k++)
                {
                    if (!_used[_entries[k].Ticket])
                    {
                        _bucket[m++] = _entries[k].Ticket;
                    }
                }

                MatchBucket(m, _entries[start].Region);
                start = end;
            }
        }

        /// <summary>The dynamic programme over one bucket's sorted tickets; see the type's remarks.</summary>
        private void MatchBucket(int m, int region)
        {
            if (m == 0)
            {
                return;
            }

            var skills = _pool.Skills;
            var parties = _pool.PartySizes;
            _prefix[0] = 0;
            for (var k = 0; k < m; k++)
            {
                _prefix[k + 1] = _prefix[k] + parties[_bucket[k]];
            }

            _cost[0] = 0;
            var j = 0;
            for (var i = 1; i <= m; i++)
            {
                _cost[i] = _cost[i - 1] + _skipCost[_bucket[i - 1]];
                _from[i] = -1;
                while (_prefix[i] - _prefix[j] > _matchSize)
                {
                    j++;
                }

                if (_prefix[i] - _prefix[j] != _matchSize)
                {
                    continue;
                }

                var spread = skills[_bucket[i - 1]] - skills[_bucket[j]];
                var candidate = _cost[j] + spread;
                if (candidate < _cost[i] && WithinTolerance(j, i, spread) && Packs(j, i))
                {
                    _cost[i] = candidate;
                    _from[i] = j;
                }
            }

            // Walk back from the end, reusing _prefix (no longer needed) to hold the chosen window ends.
            var windows = 0;
            for (var i = m; i > 0;)
            {
                if (_from[i] < 0)
                {
                    i--;
                    continue;
                }

                _prefix[windows++] = i;
                i = _from[i];
            }

            for (var w = windows - 1; w >= 0; w--)
            {
                var end = _prefix[w];
                Emit(_from[end], end, region);
            }
        }

        private bool WithinTolerance(int start, int end, double spread)
        {
            for (var k = start; k < end; k++)
            {
                if (!(spread <= _tolerance[_bucket[k]]))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Packs(int start, int end)
        {
            var parties = _pool.PartySizes;
            var length = end - start;
            for (var k = 0; k < length; k++)
            {
                _windowSizes[k] = parties[_bucket[start + k]];
            }

            return _splitter.TryPack(_windowSizes.AsSpan(0, length), _windowTeams.AsSpan(0, length));
        }

        private void Emit(int start, int end, int region)
        {
            var skills = _pool.Skills;
            var parties = _pool.PartySizes;
            var length = end - start;
            var tickets = new int[length];
            for (var k = 0; k < length; k++)
            {
                var ticket = _bucket[start + k];
                tickets[k] = ticket;
                _windowSizes[k] = parties[ticket];
                _windowSkills[k] = skills[ticket];
                _used[ticket] = true;
            }

            var sizes = _windowSizes.AsSpan(0, length);
            var teamSkills = _windowSkills.AsSpan(0, length);
            var teams = new int[length];
            var split = _balanceTeams ? _splitter.Balance(sizes, teamSkills, teams) : _splitter.Fill(sizes, teamSkills, teams);
            if (!split)
            {
                // The window passed TryPack, so both splits succeed; this guards the invariant, not a real path.
                throw new InvalidOperationException("A window that packs could not be split into teams.");
            }

            _matches.Add(new ProposedMatch(_latencyLimit is null ? -1 : region, tickets, teams));
        }
    }
}
