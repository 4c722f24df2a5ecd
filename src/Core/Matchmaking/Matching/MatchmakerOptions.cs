namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>
/// Policy knobs of the built-in matchmakers that are not rules: the rules say which matches are allowed, these
/// say which allowed matches are worth forming now rather than at a later tick.
/// </summary>
/// <remarks>
/// <para><b>Hold-back.</b> A tick sees only the tickets waiting now. A match that is allowed but loose (say, a
/// spread of 90 when the limit is 100) is often replaced by a much tighter one a tick later, once more tickets of
/// that skill have arrived. With <see cref="HoldSeconds"/> &gt; 0, a ticket that has waited less than
/// <see cref="HoldSeconds"/> is only matched when its match is tight: leaving it for the next tick costs
/// <see cref="HoldBackSpread"/> ÷ players-per-match per player, so a match made only of such young tickets is formed
/// when its spread is below about <see cref="HoldBackSpread"/>. Tickets older than <see cref="HoldSeconds"/> are
/// matched whenever the rules allow. This trades a little wait for quality; measure it on the queue's traffic (see
/// docs/benchmarks.md, S2) before turning it on.</para>
/// <para>The default holds nothing back: every allowed match is formed at once, as much of the pool as possible.</para>
/// </remarks>
public sealed record MatchmakerOptions
{
    /// <summary>No hold-back: every allowed match is formed in the tick it becomes possible.</summary>
    public static MatchmakerOptions Default { get; } = new();

    /// <summary>How long a ticket may be held back for a tighter match, in seconds of wait; 0 disables hold-back.</summary>
    public double HoldSeconds { get; init; }

    /// <summary>The spread (in rating units) above which a match of only young tickets is left for a later tick.</summary>
    public double HoldBackSpread { get; init; }
}
