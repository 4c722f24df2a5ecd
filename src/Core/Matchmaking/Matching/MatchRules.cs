namespace GameBackend.Core.Matchmaking.Matching;

/// <summary>Which algorithm forms a queue's matches.</summary>
public enum MatchAlgorithm
{
    /// <summary>Fast: takes tickets close in skill and fills teams as they come.</summary>
    SkillWindow,

    /// <summary>Slower: also splits each match's tickets into the teams whose predicted win probability is closest to 50%.</summary>
    Balanced,
}

/// <summary>
/// A limit that widens with wait: <see cref="Initial"/> at first, plus <see cref="Step"/> after every full
/// <see cref="EverySeconds"/> of waiting, never beyond <see cref="Max"/>. With <see cref="Step"/> 0 it never widens.
/// </summary>
public readonly record struct WideningLimit(double Initial, double Step, double EverySeconds, double Max)
{
    /// <summary>The limit for a ticket that has waited <paramref name="waitSeconds"/>.</summary>
    public double At(double waitSeconds)
    {
        if (Step <= 0 || EverySeconds <= 0 || waitSeconds < EverySeconds)
        {
            return Math.Min(Initial, Max);
        }

        return Math.Min(Initial + (Step * Math.Floor(waitSeconds / EverySeconds)), Max);
    }
}

/// <summary>
/// What a match must satisfy, as the matcher sees it (the service translates a queue's JSON rule set into this).
/// <list type="bullet">
/// <item><see cref="TeamCount"/> teams of exactly <see cref="TeamSize"/> players each; a ticket (a party) stays on one team.</item>
/// <item>Skill: the match's spread (highest minus lowest ticket skill) is within <see cref="Skill"/>.At(wait) of
/// <em>every</em> ticket in it.</item>
/// <item>Latency (when set): the match is hosted in one region, and every ticket's ping to that region is within
/// <see cref="Latency"/>.At(wait) of that ticket.</item>
/// <item>Tickets of different <see cref="MatchPool.Groups"/> never meet.</item>
/// </list>
/// </summary>
public sealed record MatchRules(
    int TeamCount,
    int TeamSize,
    WideningLimit Skill,
    WideningLimit? Latency,
    MatchAlgorithm Algorithm)
{
    /// <summary>Players in one match.</summary>
    public int MatchSize => TeamCount * TeamSize;
}

/// <summary>
/// One match a matcher proposes: the tickets (indices into the pool) and, for each, its team (0-based).
/// <see cref="Region"/> is the region index it is hosted in, or -1 when the queue has no latency rule.
/// </summary>
public sealed record ProposedMatch(int Region, int[] Tickets, int[] Teams);

/// <summary>
/// Forms matches from a pool. Pure and single-threaded: the same pool and rules give the same matches. A ticket
/// appears in at most one proposed match, and every proposal satisfies the rules.
/// </summary>
public interface IMatchmaker
{
    IReadOnlyList<ProposedMatch> FindMatches(MatchPool pool, MatchRules rules);
}
