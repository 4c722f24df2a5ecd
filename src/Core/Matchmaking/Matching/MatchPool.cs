namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>
/// The searching tickets of one queue as a matcher sees them: flat arrays indexed by ticket, so a tick over
/// 100,000 tickets stays cache-friendly and allocates a handful of arrays, not an object per ticket.
/// The service builds a pool from stored tickets; benchmarks build one from the scenario generator.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>Skill</b> is the ticket's aggregated skill (a party's average or maximum, chosen by the queue) in the
/// queue's rating units.</item>
/// <item><b>Party size</b> is how many players the ticket carries; they always play on one team.</item>
/// <item><b>Wait</b> is how long the ticket has searched, in seconds; the widening rules read it.</item>
/// <item><b>Group</b> stands for the ticket's equality attributes (game mode, build version, …): tickets of
/// different groups never meet.</item>
/// <item><b>Pings</b> are the ticket's round-trip times to each of the queue's regions, in milliseconds;
/// <see cref="float.PositiveInfinity"/> when not reported.</item>
/// </list>
/// </remarks>
public sealed class MatchPool
{
    private double[] _skills;
    private int[] _partySizes;
    private double[] _waits;
    private int[] _groups;
    private float[] _pings;

    public MatchPool(int regionCount, int capacity = 16)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(regionCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        RegionCount = regionCount;
        _skills = new double[capacity];
        _partySizes = new int[capacity];
        _waits = new double[capacity];
        _groups = new int[capacity];
        _pings = new float[capacity * regionCount];
    }

    /// <summary>How many regions every ticket reports a ping for.</summary>
    public int RegionCount { get; }

    /// <summary>How many tickets the pool holds.</summary>
    public int Count { get; private set; }

    public ReadOnlySpan<double> Skills => _skills.AsSpan(0, Count);

    public ReadOnlySpan<int> PartySizes => _partySizes.AsSpan(0, Count);

    public ReadOnlySpan<double> WaitSeconds => _waits.AsSpan(0, Count);

    public ReadOnlySpan<int> Groups => _groups.AsSpan(0, Count);

    /// <summary>The pings of one ticket, one per region, in region order.</summary>
    public ReadOnlySpan<float> Pings(int ticket) => _pings.AsSpan(ticket * RegionCount, RegionCount);

    /// <summary>Adds a ticket and returns its index (indices are dense, from 0, in the order added).</summary>
    public int Add(double skill, int partySize, double waitSeconds, int group, ReadOnlySpan<float> pings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partySize, 1);
        if (pings.Length != RegionCount)
        {
            throw new ArgumentException($"Expected {RegionCount} pings, got {pings.Length}.", nameof(pings));
        }

        if (Count == _skills.Length)
        {
            var capacity = Count * 2;
            Array.Resize(ref _skills, capacity);
            Array.Resize(ref _partySizes, capacity);
            Array.Resize(ref _waits, capacity);
            Array.Resize(ref _groups, capacity);
            Array.Resize(ref _pings, capacity * RegionCount);
        }

        var index = Count++;
        _skills[index] = skill;
        _partySizes[index] = partySize;
        _waits[index] = waitSeconds;
        _groups[index] = group;
        pings.CopyTo(_pings.AsSpan(index * RegionCount, RegionCount));
        return index;
    }
}
