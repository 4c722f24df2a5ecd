using System.Numerics;

namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>
/// Splits the tickets of one match into teams of exactly the team size, a party never split. One instance serves a
/// whole tick: its scratch arrays are sized for one match, so splitting allocates nothing.
/// </summary>
internal sealed class TeamSplitter
{
    /// <summary>Two teams: exact search over every split up to this many tickets (2^15 splits, Gray-code order).</summary>
    public const int ExactTwoTeamTickets = 16;

    /// <summary>More teams: exact search (depth-first, empty teams interchangeable) up to this many tickets.</summary>
    public const int ExactManyTeamTickets = 10;

    private const int LocalSearchRounds = 64;

    private readonly int _teamCount;
    private readonly int _teamSize;
    private readonly ulong[] _reach;
    private readonly int[] _order;
    private readonly int[] _room;
    private readonly double[] _sums;
    private readonly int[] _current;
    private double _bestSpread;

    public TeamSplitter(int teamCount, int teamSize)
    {
        _teamCount = teamCount;
        _teamSize = teamSize;
        var matchSize = teamCount * teamSize;
        _reach = new ulong[matchSize + 1];
        _order = new int[matchSize];
        _room = new int[teamCount];
        _sums = new double[teamCount];
        _current = new int[matchSize];
    }

    /// <summary>
    /// Whether parties of <paramref name="sizes"/> (which sum to one match) fit the teams exactly; if so, writes one
    /// such split. Exact for one team and for two teams of up to 62 players (subset sums in a bit mask); otherwise
    /// best-fit decreasing, which may miss a packing that exists, so the matcher only ever errs towards not matching.
    /// </summary>
    public bool TryPack(ReadOnlySpan<int> sizes, Span<int> teams)
    {
        var n = sizes.Length;
        if (_teamCount == 1)
        {
            teams[..n].Clear();
            return true;
        }

        if (_teamCount == 2 && _teamSize <= 62)
        {
            _reach[0] = 1;
            for (var i = 0; i < n; i++)
            {
                _reach[i + 1] = _reach[i] | (_reach[i] << sizes[i]);
            }

            var target = _teamSize;
            if (((_reach[n] >> target) & 1) == 0)
            {
                return false;
            }

            for (var i = n - 1; i >= 0; i--)
            {
                if (((_reach[i] >> target) & 1) != 0)
                {
                    teams[i] = 1;
                }
                else
                {
                    teams[i] = 0;
                    target -= sizes[i];
                }
            }

            return true;
        }

        SortBySizeDescending(sizes, default);
        _room.AsSpan().Fill(_teamSize);
        for (var k = 0; k < n; k++)
        {
            var i = _order[k];
            var bestTeam = -1;
            for (var t = 0; t < _teamCount; t++)
            {
                if (_room[t] >= sizes[i] && (bestTeam < 0 || _room[t] < _room[bestTeam]))
                {
                    bestTeam = t;
                }
            }

            if (bestTeam < 0)
            {
                return false;
            }

            _room[bestTeam] -= sizes[i];
            teams[i] = bestTeam;
        }

        return true;
    }

    /// <summary>
    /// The fast split: largest party first (then highest skill), each into the team with room whose skill total is
    /// lowest. When that greedy order paints itself into a corner, falls back to <see cref="TryPack"/>.
    /// </summary>
    public bool Fill(ReadOnlySpan<int> sizes, ReadOnlySpan<double> skills, Span<int> teams)
    {
        var n = sizes.Length;
        SortBySizeDescending(sizes, skills);
        _room.AsSpan().Fill(_teamSize);
        _sums.AsSpan().Clear();
        for (var k = 0; k < n; k++)
        {
            var i = _order[k];
            var bestTeam = -1;
            for (var t = 0; t < _teamCount; t++)
            {
                if (_room[t] >= sizes[i] && (bestTeam < 0 || _sums[t] < _sums[bestTeam]))
                {
                    bestTeam = t;
                }
            }

            if (bestTeam < 0)
            {
                return TryPack(sizes, teams);
            }

            _room[bestTeam] -= sizes[i];
            _sums[bestTeam] += skills[i] * sizes[i];
            teams[i] = bestTeam;
        }

        return true;
    }

    /// <summary>
    /// The balanced split: the one whose player-weighted team means are closest (smallest highest-minus-lowest team
    /// mean). Exact up to <see cref="ExactTwoTeamTickets"/> / <see cref="ExactManyTeamTickets"/> tickets; beyond that,
    /// the fast split improved by swapping equal-sized parties between teams while that narrows the gap.
    /// </summary>
    public bool Balance(ReadOnlySpan<int> sizes, ReadOnlySpan<double> skills, Span<int> teams)
    {
        var n = sizes.Length;
        if (_teamCount == 1)
        {
            teams[..n].Clear();
            return true;
        }

        if (_teamCount == 2 && n <= ExactTwoTeamTickets)
        {
            return BalanceTwoExactly(sizes, skills, teams);
        }

        if (n <= ExactManyTeamTickets)
        {
            SortBySizeDescending(sizes, skills);
            _room.AsSpan().Fill(_teamSize);
            _sums.AsSpan().Clear();
            _bestSpread = double.PositiveInfinity;
            Search(0, sizes, skills, teams);
            return !double.IsPositiveInfinity(_bestSpread);
        }

        if (!Fill(sizes, skills, teams))
        {
            return false;
        }

        ImproveBySwaps(sizes, skills, teams);
        return true;
    }

    /// <summary>Every split with ticket 0 on team 0 (the mirror halves are the same split), visited in Gray-code order so each step moves one ticket.</summary>
    private bool BalanceTwoExactly(ReadOnlySpan<int> sizes, ReadOnlySpan<double> skills, Span<int> teams)
    {
        var n = sizes.Length;
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            total += skills[i] * sizes[i];
        }

        var players = sizes[0];
        var sum = skills[0] * sizes[0];
        var mask = 0u;
        var bestMask = 0u;
        var bestGap = double.PositiveInfinity;
        var count = 1u << (n - 1);
        for (var step = 0u; step < count; step++)
        {
            if (step > 0)
            {
                var bit = BitOperations.TrailingZeroCount(step);
                var ticket = bit + 1;
                mask ^= 1u << bit;
                if ((mask & (1u << bit)) != 0)
                {
                    players += sizes[ticket];
                    sum += skills[ticket] * sizes[ticket];
                }
                else
                {
                    players -= sizes[ticket];
                    sum -= skills[ticket] * sizes[ticket];
                }
            }

            if (players == _teamSize)
            {
                var gap = Math.Abs((2 * sum) - total);
                if (gap < bestGap)
                {
                    bestGap = gap;
                    bestMask = mask;
                }
            }
        }

        if (double.IsPositiveInfinity(bestGap))
        {
            return false;
        }

        teams[0] = 0;
        for (var i = 1; i < n; i++)
        {
            teams[i] = (bestMask & (1u << (i - 1))) != 0 ? 0 : 1;
        }

        return true;
    }

    private void Search(int depth, ReadOnlySpan<int> sizes, ReadOnlySpan<double> skills, Span<int> teams)
    {
        if (depth == sizes.Length)
        {
            var low = double.PositiveInfinity;
            var high = double.NegativeInfinity;
            for (var t = 0; t < _teamCount; t++)
            {
                low = Math.Min(low, _sums[t]);
                high = Math.Max(high, _sums[t]);
            }

            if (high - low < _bestSpread)
            {
                _bestSpread = high - low;
                for (var k = 0; k < sizes.Length; k++)
                {
                    teams[_order[k]] = _current[k];
                }
            }

            return;
        }

        var i = _order[depth];
        var triedEmpty = false;
        for (var t = 0; t < _teamCount; t++)
        {
            if (_room[t] < sizes[i])
            {
                continue;
            }

            if (_room[t] == _teamSize)
            {
                if (triedEmpty)
                {
                    continue;
                }

                triedEmpty = true;
            }

            _room[t] -= sizes[i];
            _sums[t] += skills[i] * sizes[i];
            _current[depth] = t;
            Search(depth + 1, sizes, skills, teams);
            _room[t] += sizes[i];
            _sums[t] -= skills[i] * sizes[i];
        }
    }

    /// <summary>Narrows the gap of a valid split by swapping equal-sized parties between teams, best swap first, while any swap helps (at most 64 rounds).</summary>
    public void ImproveBySwaps(ReadOnlySpan<int> sizes, ReadOnlySpan<double> skills, Span<int> teams)
    {
        var n = sizes.Length;
        _sums.AsSpan().Clear();
        for (var i = 0; i < n; i++)
        {
            _sums[teams[i]] += skills[i] * sizes[i];
        }

        for (var round = 0; round < LocalSearchRounds; round++)
        {
            var current = SumSpread();
            var bestGain = 0.0;
            int bestA = -1, bestB = -1;
            for (var a = 0; a < n; a++)
            {
                for (var b = a + 1; b < n; b++)
                {
                    if (teams[a] == teams[b] || sizes[a] != sizes[b])
                    {
                        continue;
                    }

                    var delta = (skills[b] - skills[a]) * sizes[a];
                    _sums[teams[a]] += delta;
                    _sums[teams[b]] -= delta;
                    var gain = current - SumSpread();
                    _sums[teams[a]] -= delta;
                    _sums[teams[b]] += delta;
                    if (gain > bestGain)
                    {
                        bestGain = gain;
                        bestA = a;
                        bestB = b;
                    }
                }
            }

            if (bestA < 0)
            {
                return;
            }

            var move = (skills[bestB] - skills[bestA]) * sizes[bestA];
            _sums[teams[bestA]] += move;
            _sums[teams[bestB]] -= move;
            (teams[bestA], teams[bestB]) = (teams[bestB], teams[bestA]);
        }
    }

    private double SumSpread()
    {
        var low = double.PositiveInfinity;
        var high = double.NegativeInfinity;
        for (var t = 0; t < _teamCount; t++)
        {
            low = Math.Min(low, _sums[t]);
            high = Math.Max(high, _sums[t]);
        }

        return high - low;
    }

    /// <summary>Orders ticket positions by party size descending, then skill descending (when given), then position: a stable, allocation-free insertion sort over one match.</summary>
    private void SortBySizeDescending(ReadOnlySpan<int> sizes, ReadOnlySpan<double> skills)
    {
        var n = sizes.Length;
        for (var k = 0; k < n; k++)
        {
            var i = k;
            var j = k - 1;
            while (j >= 0 && Before(i, _order[j], sizes, skills))
            {
                _order[j + 1] = _order[j];
                j--;
            }

            _order[j + 1] = i;
        }
    }

    private static bool Before(int a, int b, ReadOnlySpan<int> sizes, ReadOnlySpan<double> skills)
    {
        if (sizes[a] != sizes[b])
        {
            return sizes[a] > sizes[b];
        }

        if (!skills.IsEmpty && skills[a] != skills[b])
        {
            return skills[a] > skills[b];
        }

        return a < b;
    }
}
