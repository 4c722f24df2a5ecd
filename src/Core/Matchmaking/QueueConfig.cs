namespace GameBackend.Core.Matchmaking;

/// <summary>
/// A queue's JSON rule set, as a studio writes it (PUT /v1/admin/matchmaking/queues/{id}) and as it is stored.
/// Omitted members take the defaults shown; <see cref="MatchmakingRules.CheckQueue"/> validates every member and
/// names the first bad one. docs/matchmaking.md explains each rule with examples.
/// </summary>
public sealed record QueueConfig
{
    /// <summary>How many teams a match has (1–8; 1 is a co-op or free-for-all lobby).</summary>
    public int Teams { get; set; } = 2;

    /// <summary>Players per team (1–20); teams × team size is at most <see cref="MatchmakingRules.MaxPlayersPerMatch"/>.</summary>
    public int TeamSize { get; set; } = 1;

    /// <summary>The largest party one ticket may carry (1–team size); a party always plays on one team.</summary>
    public int MaxPartySize { get; set; } = 1;

    /// <summary>How a party's skill is computed from its members' ratings: "average" (default) or "max".</summary>
    public string PartySkill { get; set; } = "average";

    /// <summary>"skill-window" (default; fast) or "balanced" (also splits teams so the predicted win probability is closest to 50%).</summary>
    public string Algorithm { get; set; } = "skill-window";

    public QueueRatingConfig Rating { get; set; } = new();

    /// <summary>The allowed skill spread in a match, in the rating system's units; widens with wait.</summary>
    public WideningConfig Skill { get; set; } = new() { Initial = 100, Step = 50, EverySeconds = 10, Max = 400 };

    /// <summary>
    /// Hold-back: when set, an allowed match is formed only if its spread is within this limit at the longest wait among
    /// its tickets; otherwise its tickets wait for a tighter match next tick. It should widen faster than <see cref="Skill"/>.
    /// Null (default): every allowed match forms at once. It trades wait for match quality; see docs/benchmarks.md (S2).
    /// </summary>
    public WideningConfig? PreferredSpread { get; set; }

    /// <summary>The latency rule; null (default) for a queue with no regions, where every match goes to any relay.</summary>
    public LatencyConfig? Latency { get; set; }

    /// <summary>Equality attributes (for example "mode", "build"): every ticket gives each one, and only tickets with equal values meet.</summary>
    public IReadOnlyList<string> Attributes { get; set; } = [];

    /// <summary>A ticket still searching after this long times out.</summary>
    public int TicketTimeoutSeconds { get; set; } = 120;

    /// <summary>How long a match's join tokens stay valid.</summary>
    public int JoinTokenSeconds { get; set; } = 600;

    public ResultReportingConfig Results { get; set; } = new();
}

/// <summary>Which rating system a queue uses and under what key ratings are kept (queues sharing a key share ratings).</summary>
public sealed record QueueRatingConfig
{
    /// <summary>"glicko2" (default) or "openskill".</summary>
    public string System { get; set; } = "glicko2";

    /// <summary>Ratings are kept per player under this key; null means the queue's own id.</summary>
    public string? Key { get; set; }

    /// <summary>Glicko-2's τ (0.2–1.2): how much volatility may change.</summary>
    public double Tau { get; set; } = 0.5;

    /// <summary>Glicko-2: each this many hours without a game counts as an idle rating period and widens the deviation.</summary>
    public int RatingPeriodHours { get; set; } = 24;
}

/// <summary>A limit that starts at <see cref="Initial"/> and grows by <see cref="Step"/> every <see cref="EverySeconds"/> of wait, up to <see cref="Max"/>.</summary>
public sealed record WideningConfig
{
    public double Initial { get; set; }

    public double Step { get; set; }

    public double EverySeconds { get; set; } = 10;

    public double Max { get; set; }
}

/// <summary>
/// The latency rule: the regions a match may be hosted in, and the highest ping (ms) a ticket accepts, widening with
/// wait. A match is hosted in one region that every one of its tickets reaches within its current limit.
/// </summary>
public sealed record LatencyConfig
{
    public IReadOnlyList<string> Regions { get; set; } = [];

    public double InitialMs { get; set; } = 80;

    public double StepMs { get; set; }

    public double EverySeconds { get; set; } = 10;

    public double MaxMs { get; set; } = 200;
}

/// <summary>Who reports a match's result. The studio's server (server key) always may; players only when <see cref="Reporters"/> is "players".</summary>
public sealed record ResultReportingConfig
{
    /// <summary>"server" (default: only the server key) or "players" (the match's players report, and the agreement rule decides).</summary>
    public string Reporters { get; set; } = "server";

    /// <summary>With player reports: "all" (every player reports the same result) or "majority" (more than half of the players agree).</summary>
    public string Agreement { get; set; } = "majority";
}
