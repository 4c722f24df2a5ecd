namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>
/// Policy of the built-in matchmakers that is not a rule: the rules say which matches are allowed; these say which
/// allowed matches are worth forming now rather than at a later tick.
/// </summary>
/// <remarks>
/// <para><b>Preferred spread (hold-back).</b> A tick sees only the tickets waiting now. A match that is allowed but
/// loose (a spread of 90 when the rule allows 100) is often replaced by a much tighter one a tick or two later, once
/// more tickets of that skill have arrived. With <see cref="PreferredSpread"/> set, a match is formed only when its
/// spread is within <see cref="PreferredSpread"/>.At(the longest wait among its tickets); otherwise its tickets stay
/// in the pool for the next tick. The preferred spread should widen faster than the rule's skill limit, so that
/// waiting tickets are soon matched whenever the rules allow. This trades wait for quality: measure it on the queue's
/// traffic (docs/benchmarks.md, S2) before turning it on.</para>
/// <para>The default prefers nothing: every allowed match is formed at once, as much of the pool as possible.</para>
/// </remarks>
public sealed record MatchmakerOptions
{
    /// <summary>No hold-back: every allowed match is formed in the tick it becomes possible.</summary>
    public static MatchmakerOptions Default { get; } = new();

    /// <summary>The spread (rating units) a match must be within to be formed now, by the longest wait among its tickets; null for no hold-back.</summary>
    public WideningLimit? PreferredSpread { get; init; }
}
