namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>
/// Finds, for one anchor ticket, the tightest match that contains it: scanning the unused tickets above it in skill
/// order, it keeps the set of team fills (players on team 0, players on team 1) reachable with the tickets seen so far,
/// and stops at the first ticket with which every team can be exactly full. That ticket is the highest of the match,
/// so no match of the anchor and tickets above it has a smaller spread.
/// </summary>
/// <remarks>
/// Reachable fills are bits of a <see cref="UInt128"/>: bit a·(T+1)+b for fills (a, b), so a ticket costs two shifts
/// and two masks. That covers one team of up to 127 players and two teams of up to 10. Other shapes (three or more
/// teams, bigger teams) put each ticket into the fullest team it fits, which may pass over a packing that exists: the
/// matcher then errs towards not matching, never towards a wrong match.
/// </remarks>
internal sealed class MatchCompletion
{
    private readonly int _teamCount;
    private readonly int _teamSize;
    private readonly bool _exact;
    private readonly int _stride;
    private readonly UInt128 _valid;
    private readonly UInt128[] _roomOnSecond;
    private readonly UInt128[] _reach;
    private readonly int[] _parties;
    private readonly int[] _room;

    public MatchCompletion(int teamCount, int teamSize, int scanLimit)
    {
        _teamCount = teamCount;
        _teamSize = teamSize;
        _exact = (teamCount == 1 && teamSize <= 127) || (teamCount == 2 && teamSize <= 10);
        _reach = new UInt128[scanLimit + 1];
        _parties = new int[scanLimit + 1];
        _room = new int[teamCount];
        Candidates = new int[scanLimit + 1];
        Teams = new int[scanLimit + 1];
        _roomOnSecond = new UInt128[teamSize + 1];
        _stride = teamCount == 2 ? teamSize + 1 : 1;
        if (!_exact)
        {
            return;
        }

        var states = teamCount == 2 ? (teamSize + 1) * (teamSize + 1) : teamSize + 1;
        _valid = states == 128 ? UInt128.MaxValue : (UInt128.One << states) - 1;
        if (teamCount == 2)
        {
            // The fills (a, b) that can take p more players on team 1: b ≤ T − p.
            for (var p = 0; p <= teamSize; p++)
            {
                for (var a = 0; a <= teamSize; a++)
                {
                    for (var b = 0; b <= teamSize - p; b++)
                    {
                        _roomOnSecond[p] |= UInt128.One << ((a * _stride) + b);
                    }
                }
            }
        }
    }

    /// <summary>The candidates of the current attempt (the anchor first), in skill order.</summary>
    public int[] Candidates { get; }

    /// <summary>Once a match is found: each candidate's team, or -1 for a candidate left out.</summary>
    public int[] Teams { get; }

    /// <summary>How many candidates the attempt holds.</summary>
    public int Count { get; private set; }

    /// <summary>Starts an attempt with the anchor on team 0 (teams are interchangeable); true when the anchor alone is a match.</summary>
    public bool Start(int anchor, int party)
    {
        Count = 0;
        return Add(anchor, party);
    }

    /// <summary>Adds the next candidate (parties never exceed the team size); true when a match is complete, with <see cref="Teams"/> set.</summary>
    public bool Add(int ticket, int party)
    {
        var k = Count++;
        Candidates[k] = ticket;
        _parties[k] = party;
        if (!_exact)
        {
            return AddGreedily(k, party);
        }

        if (k == 0)
        {
            _reach[0] = UInt128.One << (party * _stride);
        }
        else
        {
            var before = _reach[k - 1];
            var next = before | ((before << (party * _stride)) & _valid);
            if (_teamCount == 2)
            {
                next |= (before & _roomOnSecond[party]) << party;
            }

            _reach[k] = next;
        }

        if (!Has(_reach[k], _teamSize, _teamCount == 2 ? _teamSize : 0))
        {
            return false;
        }

        Backtrack();
        return true;
    }

    /// <summary>Drops the candidates (never the anchor) that <paramref name="keep"/> rejects and recomputes; true if what is left is a match.</summary>
    public bool Filter(Func<int, bool> keep)
    {
        var kept = 1;
        for (var k = 1; k < Count; k++)
        {
            if (keep(Candidates[k]))
            {
                Candidates[kept] = Candidates[k];
                _parties[kept] = _parties[k];
                kept++;
            }
        }

        Count = 0;
        var complete = false;
        for (var k = 0; k < kept && !complete; k++)
        {
            complete = Add(Candidates[k], _parties[k]);
        }

        return complete;
    }

    private bool Has(UInt128 reach, int a, int b) => ((reach >> ((a * _stride) + b)) & UInt128.One) != UInt128.Zero;

    private void Backtrack()
    {
        var a = _teamSize;
        var b = _teamCount == 2 ? _teamSize : 0;
        for (var k = Count - 1; k >= 1; k--)
        {
            var party = _parties[k];
            if (Has(_reach[k - 1], a, b))
            {
                Teams[k] = -1;
            }
            else if (a >= party && Has(_reach[k - 1], a - party, b))
            {
                Teams[k] = 0;
                a -= party;
            }
            else
            {
                Teams[k] = 1;
                b -= party;
            }
        }

        Teams[0] = 0;
    }

    private bool AddGreedily(int k, int party)
    {
        if (k == 0)
        {
            Array.Fill(_room, _teamSize);
        }

        var best = -1;
        for (var t = 0; t < _teamCount; t++)
        {
            if (_room[t] >= party && (best < 0 || _room[t] < _room[best]))
            {
                best = t;
            }
        }

        Teams[k] = best;
        if (best < 0)
        {
            return false;
        }

        _room[best] -= party;
        foreach (var room in _room)
        {
            if (room != 0)
            {
                return false;
            }
        }

        return true;
    }
}
