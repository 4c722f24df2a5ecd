using System.Collections.Frozen;
using GameBackend.Core.Common;
using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Core.Matchmaking;

/// <summary>The rating systems a queue can choose.</summary>
public enum RatingSystem
{
    Glicko2,
    OpenSkill,
}

/// <summary>A queue's rule set after validation, in the forms the tick and the services use.</summary>
public sealed record ValidQueue(
    string Id,
    QueueConfig Config,
    MatchRules MatchRules,
    MatchmakerOptions? MatcherOptions,
    RatingSystem RatingSystem,
    string RatingKey,
    bool PartySkillIsMax,
    IReadOnlyList<string> Regions,
    bool PlayersReport,
    bool UnanimousAgreement)
{
    public int RegionIndex(string region)
    {
        for (var i = 0; i < Regions.Count; i++)
        {
            if (string.Equals(Regions[i], region, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Validation of queue rule sets and tickets: each failure names the member at fault.</summary>
public static class MatchmakingRules
{
    public const int MaxIdLength = 64;
    public const int MaxTeams = 8;
    public const int MaxTeamSize = 20;

    /// <summary>A match commits in one store transaction: a ticket update per ticket plus the match (≤ 100 operations).</summary>
    public const int MaxPlayersPerMatch = 40;

    public const int MaxRegions = 16;
    public const int MaxAttributes = 8;
    public const int MaxAttributeValueLength = 64;
    public const int MaxQueuesPerTitle = 50;
    public const double MaxPingMs = 5000;

    private const string IdCharacters = "abcdefghijklmnopqrstuvwxyz0123456789_-";

    private static readonly FrozenSet<string> PartySkills = FrozenSet.Create(StringComparer.Ordinal, "average", "max");

    /// <summary>A queue (or region, or rating key) id: 1–64 characters of [a-z0-9_-].</summary>
    public static bool IsValidId(string? id) =>
        id is { Length: > 0 and <= MaxIdLength } && id.AsSpan().IndexOfAnyExcept(IdCharacters) < 0;

    public static Error? CheckQueueId(string? id) =>
        IsValidId(id) ? null : Error.Validation(ErrorCodes.InvalidQueueId, $"A queue id is 1–{MaxIdLength} characters of a-z, 0-9, _ and -.");

    /// <summary>Validates a rule set; the error names the first member at fault (Details["field"]).</summary>
    public static Result<ValidQueue> CheckQueue(string id, QueueConfig? config)
    {
        if (CheckQueueId(id) is { } idError)
        {
            return idError;
        }

        if (config is null)
        {
            return Invalid("", "The rule set is missing.");
        }

        if (config.Teams is < 1 or > MaxTeams)
        {
            return Invalid("teams", $"teams is 1–{MaxTeams}.");
        }

        if (config.TeamSize is < 1 or > MaxTeamSize)
        {
            return Invalid("teamSize", $"teamSize is 1–{MaxTeamSize}.");
        }

        if (config.Teams * config.TeamSize is < 2 or > MaxPlayersPerMatch)
        {
            return Invalid("teamSize", $"A match holds 2–{MaxPlayersPerMatch} players (teams × teamSize).");
        }

        if (config.MaxPartySize < 1 || config.MaxPartySize > config.TeamSize)
        {
            return Invalid("maxPartySize", "maxPartySize is 1–teamSize: a party plays on one team.");
        }

        if (config.PartySkill is null || !PartySkills.Contains(config.PartySkill))
        {
            return Invalid("partySkill", "partySkill is \"average\" or \"max\".");
        }

        MatchAlgorithm algorithm;
        switch (config.Algorithm)
        {
            case "skill-window":
                algorithm = MatchAlgorithm.SkillWindow;
                break;
            case "balanced":
                algorithm = MatchAlgorithm.Balanced;
                break;
            default:
                return Invalid("algorithm", "algorithm is \"skill-window\" or \"balanced\".");
        }

        var rating = config.Rating;
        if (rating is null)
        {
            return Invalid("rating", "rating is an object.");
        }

        RatingSystem system;
        switch (rating.System)
        {
            case "glicko2":
                system = RatingSystem.Glicko2;
                break;
            case "openskill":
                system = RatingSystem.OpenSkill;
                break;
            default:
                return Invalid("rating.system", "rating.system is \"glicko2\" or \"openskill\".");
        }

        if (rating.Key is not null && !IsValidId(rating.Key))
        {
            return Invalid("rating.key", $"rating.key is 1–{MaxIdLength} characters of a-z, 0-9, _ and -.");
        }

        if (!double.IsFinite(rating.Tau) || rating.Tau < 0.2 || rating.Tau > 1.2)
        {
            return Invalid("rating.tau", "rating.tau is 0.2–1.2 (Glickman suggests 0.3–1.2).");
        }

        if (rating.RatingPeriodHours is < 1 or > 720)
        {
            return Invalid("rating.ratingPeriodHours", "rating.ratingPeriodHours is 1–720.");
        }

        if (CheckWidening(config.Skill, "skill", 1_000_000) is { } skillError)
        {
            return skillError;
        }

        MatchmakerOptions? matcherOptions = null;
        if (config.PreferredSpread is { } preferred)
        {
            if (CheckWidening(preferred, "preferredSpread", 1_000_000) is { } preferredError)
            {
                return preferredError;
            }

            matcherOptions = new MatchmakerOptions { PreferredSpread = new WideningLimit(preferred.Initial, preferred.Step, preferred.EverySeconds, preferred.Max) };
        }

        WideningLimit? latency = null;
        IReadOnlyList<string> regions = [];
        if (config.Latency is { } latencyConfig)
        {
            if (latencyConfig.Regions is not { Count: > 0 and <= MaxRegions })
            {
                return Invalid("latency.regions", $"latency.regions lists 1–{MaxRegions} regions.");
            }

            if (latencyConfig.Regions.Any(r => !IsValidId(r)) || latencyConfig.Regions.Distinct(StringComparer.Ordinal).Count() != latencyConfig.Regions.Count)
            {
                return Invalid("latency.regions", "Each region is 1–64 characters of a-z, 0-9, _ and -, listed once.");
            }

            var widening = new WideningConfig { Initial = latencyConfig.InitialMs, Step = latencyConfig.StepMs, EverySeconds = latencyConfig.EverySeconds, Max = latencyConfig.MaxMs };
            if (CheckWidening(widening, "latency", MaxPingMs, "Ms") is { } latencyError)
            {
                return latencyError;
            }

            if (latencyConfig.InitialMs <= 0)
            {
                return Invalid("latency.initialMs", "latency.initialMs is above 0.");
            }

            latency = new WideningLimit(latencyConfig.InitialMs, latencyConfig.StepMs, latencyConfig.EverySeconds, latencyConfig.MaxMs);
            regions = latencyConfig.Regions.ToArray();
        }

        if (config.Attributes is not { Count: <= MaxAttributes }
            || config.Attributes.Any(a => a is not { Length: > 0 and <= 32 } || a.AsSpan().IndexOfAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") >= 0)
            || config.Attributes.Distinct(StringComparer.Ordinal).Count() != config.Attributes.Count)
        {
            return Invalid("attributes", $"attributes lists at most {MaxAttributes} distinct names of 1–32 characters of A-Z, a-z, 0-9, _ and -.");
        }

        if (config.TicketTimeoutSeconds is < 5 or > 3600)
        {
            return Invalid("ticketTimeoutSeconds", "ticketTimeoutSeconds is 5–3600.");
        }

        if (config.JoinTokenSeconds < 30 || config.JoinTokenSeconds > (int)Tenancy.TitleService.MaxJoinTokenLifetime.TotalSeconds)
        {
            return Invalid("joinTokenSeconds", $"joinTokenSeconds is 30–{(int)Tenancy.TitleService.MaxJoinTokenLifetime.TotalSeconds}.");
        }

        var results = config.Results;
        if (results is null || results.Reporters is not ("server" or "players"))
        {
            return Invalid("results.reporters", "results.reporters is \"server\" or \"players\".");
        }

        if (results.Agreement is not ("all" or "majority"))
        {
            return Invalid("results.agreement", "results.agreement is \"all\" or \"majority\".");
        }

        var skill = config.Skill!;
        var matchRules = new MatchRules(config.Teams, config.TeamSize, new WideningLimit(skill.Initial, skill.Step, skill.EverySeconds, skill.Max), latency, algorithm);
        return new ValidQueue(
            id,
            config,
            matchRules,
            matcherOptions,
            system,
            rating.Key ?? id,
            config.PartySkill == "max",
            regions,
            results.Reporters == "players",
            results.Agreement == "all");
    }

    /// <summary>Checks a ticket's attributes (exactly the queue's, each a short string) and pings (known regions, 0–5000 ms).</summary>
    public static Error? CheckTicket(ValidQueue queue, IReadOnlyDictionary<string, string>? attributes, IReadOnlyDictionary<string, double>? pings)
    {
        ArgumentNullException.ThrowIfNull(queue);
        attributes ??= new Dictionary<string, string>();
        foreach (var name in queue.Config.Attributes)
        {
            if (!attributes.TryGetValue(name, out var value) || value is null)
            {
                return Error.Validation(ErrorCodes.InvalidTicketAttributes, $"The queue needs attribute \"{name}\".");
            }

            if (value.Length > MaxAttributeValueLength)
            {
                return Error.Validation(ErrorCodes.InvalidTicketAttributes, $"Attribute \"{name}\" is longer than {MaxAttributeValueLength} characters.");
            }
        }

        if (attributes.Count != queue.Config.Attributes.Count)
        {
            var unknown = attributes.Keys.First(k => !queue.Config.Attributes.Contains(k, StringComparer.Ordinal));
            return Error.Validation(ErrorCodes.InvalidTicketAttributes, $"The queue has no attribute \"{unknown}\".");
        }

        pings ??= new Dictionary<string, double>();
        foreach (var (region, ping) in pings)
        {
            if (queue.RegionIndex(region) < 0)
            {
                return Error.Validation(ErrorCodes.UnknownRegion, $"The queue has no region \"{region}\".") with
                {
                    Details = new Dictionary<string, string> { ["region"] = region.Length <= MaxIdLength ? region : region[..MaxIdLength] },
                };
            }

            if (!double.IsFinite(ping) || ping < 0 || ping > MaxPingMs)
            {
                return Error.Validation(ErrorCodes.InvalidPing, $"The ping to \"{region}\" is not 0–{MaxPingMs} ms.");
            }
        }

        if (queue.Regions.Count > 0 && pings.Count == 0)
        {
            return Error.Validation(ErrorCodes.InvalidPing, "The queue has a latency rule: report the ping to at least one of its regions.");
        }

        return null;
    }

    private static Error? CheckWidening(WideningConfig? widening, string field, double ceiling, string unit = "")
    {
        if (widening is null)
        {
            return Invalid(field, $"{field} is an object.");
        }

        if (!double.IsFinite(widening.Initial) || widening.Initial < 0 || widening.Initial > ceiling)
        {
            return Invalid($"{field}.initial{unit}", $"{field}: the initial limit is 0–{ceiling}.");
        }

        if (!double.IsFinite(widening.Step) || widening.Step < 0)
        {
            return Invalid($"{field}.step{unit}", $"{field}: the step is 0 or more.");
        }

        if (!double.IsFinite(widening.EverySeconds) || widening.EverySeconds < 1 || widening.EverySeconds > 3600)
        {
            return Invalid($"{field}.everySeconds", $"{field}: everySeconds is 1–3600.");
        }

        if (!double.IsFinite(widening.Max) || widening.Max < widening.Initial || widening.Max > ceiling)
        {
            return Invalid($"{field}.max{unit}", $"{field}: the maximum is at least the initial limit and at most {ceiling}.");
        }

        return null;
    }

    private static Error Invalid(string field, string message) =>
        Error.Validation(ErrorCodes.InvalidQueueConfig, message) with { Details = new Dictionary<string, string> { ["field"] = field } };
}
