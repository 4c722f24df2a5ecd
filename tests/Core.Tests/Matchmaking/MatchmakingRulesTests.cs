using GameBackend.Core.Common;
using GameBackend.Core.Matchmaking;
using GameBackend.Core.Matchmaking.Matching;

namespace GameBackend.Core.Tests.Matchmaking;

public sealed class MatchmakingRulesTests
{
    private static readonly QueueConfig Valid = new()
    {
        Teams = 2,
        TeamSize = 5,
        MaxPartySize = 3,
        Algorithm = "balanced",
        Latency = new LatencyConfig { Regions = ["eu", "na"], InitialMs = 60, StepMs = 20, EverySeconds = 10, MaxMs = 150 },
        Attributes = ["mode", "build"],
    };

    [Fact]
    public void A_valid_rule_set_becomes_matcher_rules()
    {
        var valid = MatchmakingRules.CheckQueue("ranked", Valid);

        Assert.True(valid.IsSuccess, valid.Error?.Message);
        var rules = valid.Value.MatchRules;
        Assert.Equal(2, rules.TeamCount);
        Assert.Equal(5, rules.TeamSize);
        Assert.Equal(MatchAlgorithm.Balanced, rules.Algorithm);
        Assert.Equal(60, rules.Latency!.Value.At(0));
        Assert.Equal(80, rules.Latency!.Value.At(10));
        Assert.Equal(150, rules.Latency!.Value.At(1000));
        Assert.Equal(["eu", "na"], valid.Value.Regions);
        Assert.Equal("ranked", valid.Value.RatingKey);
    }

    public static TheoryData<string, QueueConfig> InvalidRuleSets => new()
    {
        { "teams", Valid with { Teams = 0 } },
        { "teams", Valid with { Teams = 9 } },
        { "teamSize", Valid with { TeamSize = 0 } },
        { "teamSize", Valid with { Teams = 8, TeamSize = 6 } },
        { "maxPartySize", Valid with { MaxPartySize = 6 } },
        { "partySkill", Valid with { PartySkill = "median" } },
        { "algorithm", Valid with { Algorithm = "random" } },
        { "rating.system", Valid with { Rating = new QueueRatingConfig { System = "elo" } } },
        { "rating.tau", Valid with { Rating = new QueueRatingConfig { Tau = 3 } } },
        { "rating.key", Valid with { Rating = new QueueRatingConfig { Key = "Bad Key" } } },
        { "skill.max", Valid with { Skill = new WideningConfig { Initial = 100, Step = 10, EverySeconds = 5, Max = 50 } } },
        { "skill.initial", Valid with { Skill = new WideningConfig { Initial = double.NaN, Max = 50 } } },
        { "skill.everySeconds", Valid with { Skill = new WideningConfig { Initial = 1, Step = 1, EverySeconds = 0, Max = 50 } } },
        { "latency.regions", Valid with { Latency = new LatencyConfig { Regions = [] } } },
        { "latency.regions", Valid with { Latency = new LatencyConfig { Regions = ["eu", "eu"] } } },
        { "latency.maxMs", Valid with { Latency = new LatencyConfig { Regions = ["eu"], InitialMs = 100, MaxMs = 50 } } },
        { "attributes", Valid with { Attributes = ["mode", "mode"] } },
        { "attributes", Valid with { Attributes = ["has space"] } },
        { "preferredSpread.max", Valid with { PreferredSpread = new WideningConfig { Initial = 50, Step = 10, EverySeconds = 1, Max = 10 } } },
        { "preferredSpread.everySeconds", Valid with { PreferredSpread = new WideningConfig { Initial = 50, Step = 10, EverySeconds = 0, Max = 100 } } },
        { "ticketTimeoutSeconds", Valid with { TicketTimeoutSeconds = 1 } },
        { "joinTokenSeconds", Valid with { JoinTokenSeconds = 7200 } },
        { "results.reporters", Valid with { Results = new ResultReportingConfig { Reporters = "anyone" } } },
        { "results.agreement", Valid with { Results = new ResultReportingConfig { Reporters = "players", Agreement = "some" } } },
    };

    [Theory]
    [MemberData(nameof(InvalidRuleSets))]
    public void An_invalid_rule_set_names_the_member_at_fault(string field, QueueConfig config)
    {
        var result = MatchmakingRules.CheckQueue("ranked", config);

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorCodes.InvalidQueueConfig, result.Error.Code);
        Assert.Equal(field, result.Error.Details!["field"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Ranked")]
    [InlineData("a/b")]
    public void A_bad_queue_id_is_rejected(string id)
    {
        var result = MatchmakingRules.CheckQueue(id, Valid);

        Assert.Equal(ErrorCodes.InvalidQueueId, result.Error!.Code);
    }

    [Fact]
    public void A_ticket_must_give_exactly_the_queues_attributes_and_known_regions()
    {
        var queue = MatchmakingRules.CheckQueue("ranked", Valid).Value;
        var attributes = new Dictionary<string, string> { ["mode"] = "ctf", ["build"] = "1.2" };
        var pings = new Dictionary<string, double> { ["eu"] = 30 };

        Assert.Null(MatchmakingRules.CheckTicket(queue, attributes, pings));
        Assert.Equal(ErrorCodes.InvalidTicketAttributes, MatchmakingRules.CheckTicket(queue, new Dictionary<string, string> { ["mode"] = "ctf" }, pings)!.Code);
        Assert.Equal(ErrorCodes.InvalidTicketAttributes, MatchmakingRules.CheckTicket(queue, new Dictionary<string, string>(attributes) { ["map"] = "x" }, pings)!.Code);
        Assert.Equal(ErrorCodes.InvalidTicketAttributes, MatchmakingRules.CheckTicket(queue, new Dictionary<string, string> { ["mode"] = new string('x', 65), ["build"] = "1" }, pings)!.Code);
        var unknown = MatchmakingRules.CheckTicket(queue, attributes, new Dictionary<string, double> { ["mars"] = 30 })!;
        Assert.Equal(ErrorCodes.UnknownRegion, unknown.Code);
        Assert.Equal("mars", unknown.Details!["region"]);
        Assert.Equal(ErrorCodes.InvalidPing, MatchmakingRules.CheckTicket(queue, attributes, new Dictionary<string, double> { ["eu"] = -1 })!.Code);
        Assert.Equal(ErrorCodes.InvalidPing, MatchmakingRules.CheckTicket(queue, attributes, new Dictionary<string, double> { ["eu"] = double.PositiveInfinity })!.Code);
        Assert.Equal(ErrorCodes.InvalidPing, MatchmakingRules.CheckTicket(queue, attributes, new Dictionary<string, double>())!.Code);
    }
}
