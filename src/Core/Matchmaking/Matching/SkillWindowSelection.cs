using System.Buffers;

namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>
/// The ticket selection both built-in matchmakers share. Per (group, region), tickets sorted by (skill, index) are taken
/// as anchors in order; each unused anchor takes the tightest match of itself and unused tickets above it
/// (<see cref="MatchCompletion"/>: exact team packing with parties, so a party that does not fit is passed over and
/// left for the next anchor). Like the spec's greedy reference, but the reference puts each ticket where it fits at
/// the time and gives up when that order paints it into a corner; this one never misses a packing that exists
/// within the scan, and its match is always the smallest spread available to the anchor.
/// </summary>
/// <remarks>
/// O(n log n) for the sort, then O(n · scan) where the scan (at most <see cref="MinScan"/> or four matches' worth of
/// tickets) usually ends after about one match's worth. With a latency rule, a first pass matches each ticket in its
/// best region; a second pass offers every ticket still unmatched to every region its (possibly widened) limit
/// allows, regions in index order.
/// </remarks>
internal static class SkillWindowSelection
{
    /// <summary>The fewest unused tickets an anchor looks at (the spec's reference looks at 64).</summary>
    public const int MinScan = 64;

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
        try
        {
            state.Run();
        }
        finally
        {
            state.Release();
        }

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
        private readonly MatchmakerOptions _options;
        private readonly MatchCompletion _completion;
        private readonly Func<int, bool> _keep;
        private readonly int _scanLimit;
        private readonly double[]? _latencyLimit;
        private readonly int[] _bestRegion;
        private readonly bool[] _used;
        private readonly TeamSplitter _splitter;
        private readonly int[] _windowSizes;
        private readonly double[] _windowSkills;
        private readonly int[] _splitTeams;
        private Entry[] _entries;
        private readonly int[] _bucket;
        private readonly double[] _sortedSkills;
        private readonly double[] _sortedTolerances;
        private readonly int[] _sortedParties;
        private readonly int[] _next;
        private readonly int[] _previous;
        private readonly int[] _positions;
        private double _spreadLimit;

        public State(MatchPool pool, MatchRules rules, MatchmakerOptions options, bool balanceTeams, List<ProposedMatch> matches)
        {
            _pool = pool;
            _rules = rules;
            _balanceTeams = balanceTeams;
            _matches = matches;
            _matchSize = rules.MatchSize;
            var n = pool.Count;
            _tolerance = ArrayPool<double>.Shared.Rent(n);
            _options = options;
            _scanLimit = Math.Max(MinScan, 4 * _matchSize);
            _completion = new MatchCompletion(rules.TeamCount, rules.TeamSize, _scanLimit);
            _keep = ticket => _tolerance[ticket] >= _spreadLimit;
            _positions = new int[_scanLimit + 1];
            _bestRegion = ArrayPool<int>.Shared.Rent(n);
            _used = ArrayPool<bool>.Shared.Rent(n);
            _splitter = new TeamSplitter(rules.TeamCount, rules.TeamSize);
            _windowSizes = new int[_matchSize];
            _windowSkills = new double[_matchSize];
            _splitTeams = new int[_matchSize];
            _entries = ArrayPool<Entry>.Shared.Rent(n);
            _bucket = ArrayPool<int>.Shared.Rent(n);
            _sortedSkills = ArrayPool<double>.Shared.Rent(n);
            _sortedTolerances = ArrayPool<double>.Shared.Rent(n);
            _sortedParties = ArrayPool<int>.Shared.Rent(n);
            Array.Clear(_used, 0, n);
            _next = ArrayPool<int>.Shared.Rent(n);
            _previous = ArrayPool<int>.Shared.Rent(n);

            var waits = pool.WaitSeconds;
            var parties = pool.PartySizes;
            if (rules.Latency is not null)
            {
                _latencyLimit = ArrayPool<double>.Shared.Rent(n);
            }

            for (var i = 0; i < n; i++)
            {
                _tolerance[i] = rules.Skill.At(waits[i]);
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

        /// <summary>Gives the per-tick arrays back to the shared pool: a tick over 100,000 tickets would otherwise put megabytes on the large-object heap every time.</summary>
        public void Release()
        {
            ArrayPool<double>.Shared.Return(_tolerance);
            ArrayPool<int>.Shared.Return(_bestRegion);
            ArrayPool<bool>.Shared.Return(_used);
            ArrayPool<Entry>.Shared.Return(_entries);
            ArrayPool<int>.Shared.Return(_bucket);
            ArrayPool<double>.Shared.Return(_sortedSkills);
            ArrayPool<double>.Shared.Return(_sortedTolerances);
            ArrayPool<int>.Shared.Return(_sortedParties);
            ArrayPool<int>.Shared.Return(_next);
            ArrayPool<int>.Shared.Return(_previous);
            if (_latencyLimit is not null)
            {
                ArrayPool<double>.Shared.Return(_latencyLimit);
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
            var needed = 0;
            for (var i = 0; i < n; i++)
            {
                if (!_used[i] && _bestRegion[i] != Ineligible)
                {
                    foreach (var ping in _pool.Pings(i))
                    {
                        needed += ping <= _latencyLimit[i] ? 1 : 0;
                    }
                }
            }

            if (needed > _entries.Length)
            {
                ArrayPool<Entry>.Shared.Return(_entries);
                _entries = ArrayPool<Entry>.Shared.Rent(needed);
            }

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
            var parties = _pool.PartySizes;
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
                    var ticket = _entries[k].Ticket;
                    if (!_used[ticket])
                    {
                        // Copied in sorted order, so the scans below read memory in sequence.
                        _bucket[m] = ticket;
                        _sortedSkills[m] = _entries[k].Skill;
                        _sortedTolerances[m] = _tolerance[ticket];
                        _sortedParties[m] = parties[ticket];
                        m++;
                    }
                }

                MatchBucket(m, _entries[start].Region);
                start = end;
            }
        }

        /// <summary>
        /// Anchors in skill order: each unused ticket takes the tightest match among itself and the unused tickets
        /// above it (see <see cref="MatchCompletion"/>), unless hold-back leaves that match for a later tick.
        /// </summary>
        private void MatchBucket(int m, int region)
        {
            var skills = _pool.Skills;
            for (var k = 0; k < m; k++)
            {
                _next[k] = k + 1;
                _previous[k] = k - 1;
            }

            for (var a = 0; a < m; a = _next[a])
            {
                if (!TryComplete(a, m))
                {
                    continue;
                }

                if (HeldBack(skills))
                {
                    continue;
                }

                Emit(region);
                for (var k = 1; k < _completion.Count; k++)
                {
                    if (_completion.Teams[k] >= 0)
                    {
                        Unlink(_positions[k]);
                    }
                }

                Unlink(a);
            }
        }

        private bool TryComplete(int a, int m)
        {
            var anchor = _bucket[a];
            _positions[0] = a;
            if (_completion.Start(anchor, _sortedParties[a]))
            {
                return true;
            }

            var low = _sortedSkills[a];
            var cap = _sortedTolerances[a];
            var minTolerance = cap;
            var scanned = 0;
            for (var c = _next[a]; c < m && scanned < _scanLimit; c = _next[c])
            {
                var spread = _sortedSkills[c] - low;
                if (!(spread <= cap))
                {
                    return false;
                }

                scanned++;
                var tolerance = _sortedTolerances[c];
                if (!(spread <= tolerance))
                {
                    continue;
                }

                if (spread > minTolerance)
                {
                    // Some candidate does not tolerate this spread: drop those, keeping positions in step.
                    _spreadLimit = spread;
                    var kept = 1;
                    for (var k = 1; k < _completion.Count; k++)
                    {
                        if (_tolerance[_completion.Candidates[k]] >= spread)
                        {
                            _positions[kept++] = _positions[k];
                        }
                    }

                    if (_completion.Filter(_keep))
                    {
                        return true;
                    }

                    minTolerance = cap;
                    for (var k = 1; k < _completion.Count; k++)
                    {
                        minTolerance = Math.Min(minTolerance, _tolerance[_completion.Candidates[k]]);
                    }
                }

                _positions[_completion.Count] = c;
                minTolerance = Math.Min(minTolerance, tolerance);
                if (_completion.Add(_bucket[c], _sortedParties[c]))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>A match looser than the preferred spread for the longest wait among its tickets waits for a later tick.</summary>
        private bool HeldBack(ReadOnlySpan<double> skills)
        {
            if (_options.PreferredSpread is not { } preferred)
            {
                return false;
            }

            var waits = _pool.WaitSeconds;
            var low = double.PositiveInfinity;
            var high = double.NegativeInfinity;
            var longest = 0.0;
            for (var k = 0; k < _completion.Count; k++)
            {
                if (_completion.Teams[k] < 0)
                {
                    continue;
                }

                var ticket = _completion.Candidates[k];
                longest = Math.Max(longest, waits[ticket]);
                low = Math.Min(low, skills[ticket]);
                high = Math.Max(high, skills[ticket]);
            }

            return high - low > preferred.At(longest);
        }

        private void Unlink(int position)
        {
            if (_previous[position] >= 0)
            {
                _next[_previous[position]] = _next[position];
            }

            if (_next[position] < _next.Length)
            {
                _previous[_next[position]] = _previous[position];
            }
        }

        private void Emit(int region)
        {
            var skills = _pool.Skills;
            var parties = _pool.PartySizes;
            var length = 0;
            for (var k = 0; k < _completion.Count; k++)
            {
                if (_completion.Teams[k] >= 0)
                {
                    length++;
                }
            }

            var tickets = new int[length];
            var teams = new int[length];
            var i = 0;
            for (var k = 0; k < _completion.Count; k++)
            {
                if (_completion.Teams[k] < 0)
                {
                    continue;
                }

                var ticket = _completion.Candidates[k];
                tickets[i] = ticket;
                teams[i] = _completion.Teams[k];
                _windowSizes[i] = parties[ticket];
                _windowSkills[i] = skills[ticket];
                _used[ticket] = true;
                i++;
            }

            // The completion's split is valid; the splitter replaces it with a better one. Should the splitter's
            // heuristics (three or more teams, large matches) find none, the completion's split stands.
            var sizes = _windowSizes.AsSpan(0, length);
            var teamSkills = _windowSkills.AsSpan(0, length);
            var split = _splitTeams.AsSpan(0, length);
            if (_balanceTeams ? _splitter.Balance(sizes, teamSkills, split) : _splitter.Fill(sizes, teamSkills, split))
            {
                split.CopyTo(teams);
            }
            else if (_balanceTeams)
            {
                _splitter.ImproveBySwaps(sizes, teamSkills, teams);
            }

            _matches.Add(new ProposedMatch(_latencyLimit is null ? -1 : region, tickets, teams));
        }
    }
}
