using System.Reflection;
using System.Text;
using GameBackend.Core.Analytics;
using GameBackend.Core.Common;
using GameBackend.Core.Events;
using GameBackend.Core.Sessions;

namespace GameBackend.Core.Tests.Analytics;

/// <summary>Validation of client telemetry, one event at a time: what is accepted, and the code and member of every refusal.</summary>
public sealed class TelemetryBatchTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Since = new(2025, 2, 20, 8, 0, 0, TimeSpan.Zero);
    private static readonly TelemetrySender Sender = new("title-1", "0192f4c5a1b27c3d8e9f0a1b2c3d4e5f", Since);

    private static TelemetryBatch NewBatch() => new(Sender, Now);

    private static string Event(string id = "evt-1", string name = "level_up", string time = "2025-03-01T11:59:00Z", string extra = "") =>
        $$"""{"id":"{{id}}","name":"{{name}}","time":"{{time}}"{{extra}}}""";

    private static TelemetryEventError? Add(TelemetryBatch batch, string json) => batch.Add(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void A_valid_event_becomes_the_senders_event_with_a_namespaced_id()
    {
        var batch = NewBatch();

        var error = Add(batch, Event(extra: ""","sessionId":"match-7","properties":{"level":12,"class":"mage","hardcore":true,"guild":null}"""));

        Assert.Null(error);
        var e = Assert.Single(batch.Accepted);
        Assert.Equal(("title-1", Sender.PlayerId + ".evt-1", "level_up", "match-7", Sender.PlayerId, (DateTimeOffset?)Since),
            (e.TitleId, e.Id, e.Name, e.SessionId, e.PlayerId, e.PlayerSince));
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 11, 59, 0, TimeSpan.Zero), e.Time);
        Assert.Equal(12, e.Properties!.Value.GetProperty("level").GetInt32());
        Assert.Equal("mage", e.Properties.Value.GetProperty("class").GetString());
        Assert.Empty(batch.Rejected);

        // What the bus carries decodes back to the same event.
        var decoded = EventWire.TryDecode(EventWire.Encode(e));
        Assert.NotNull(decoded);
        Assert.Equal((e.Id, e.Name, e.Time, e.PlayerSince), (decoded.Id, decoded.Name, decoded.Time, decoded.PlayerSince));
    }

    [Fact]
    public void Optional_members_may_be_absent_or_null_and_time_may_carry_an_offset()
    {
        var batch = NewBatch();

        Assert.Null(Add(batch, Event(id: "a")));
        Assert.Null(Add(batch, Event(id: "b", extra: ""","sessionId":null,"properties":null""")));
        Assert.Null(Add(batch, Event(id: "c", time: "2025-03-01T13:59:00.123+02:00")));

        Assert.Equal(3, batch.Accepted.Count);
        Assert.All(batch.Accepted, e => Assert.Null(e.SessionId));
        Assert.All(batch.Accepted, e => Assert.Null(e.Properties));
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 11, 59, 0, 123, TimeSpan.Zero), batch.Accepted[2].Time.ToUniversalTime());
    }

    [Fact]
    public void Limits_are_inclusive()
    {
        var batch = NewBatch();
        var properties = string.Join(',', Enumerable.Range(0, TelemetryLimits.MaxProperties - 1).Select(i => $"\"k{i}\":{i}"))
            + $",\"{new string('k', TelemetryLimits.MaxPropertyKeyLength)}\":\"{new string('v', TelemetryLimits.MaxStringValueLength)}\"";

        Assert.Null(Add(batch, Event(id: new string('i', 64), name: "a" + new string('b', 63), extra: $",\"sessionId\":\"{new string('s', 64)}\",\"properties\":{{{properties}}}")));
        Assert.Null(Add(batch, Event(id: "oldest", time: (Now - TelemetryLimits.MaxEventAge).ToString("O"))));
        Assert.Null(Add(batch, Event(id: "newest", time: (Now + TelemetryLimits.MaxEventTimeAhead).ToString("O"))));
        Assert.Null(Add(batch, Event(id: Guid.NewGuid().ToString())));

        var padded = Event(id: "big", extra: ",\"properties\":{\"p\":\"" + new string('x', 200) + "\"}");
        Assert.Null(Add(batch, padded));
        Assert.Equal(5, batch.Accepted.Count);
    }

    [Fact]
    public void An_event_of_exactly_the_byte_limit_is_accepted_and_one_byte_more_is_not()
    {
        var batch = NewBatch();
        var json = Event();
        var exact = json[..^1] + new string(' ', TelemetryLimits.MaxEventBytes - Encoding.UTF8.GetByteCount(json)) + "}";
        Assert.Equal(TelemetryLimits.MaxEventBytes, Encoding.UTF8.GetByteCount(exact));

        Assert.Null(Add(batch, exact));
        var error = Add(batch, exact.Replace("\"evt-1\"", "\"evt-2\" ", StringComparison.Ordinal));
        Assert.Equal(TelemetryLimits.MaxEventBytes + 1, Encoding.UTF8.GetByteCount(exact.Replace("\"evt-1\"", "\"evt-2\" ", StringComparison.Ordinal)));
        Assert.Equal((ErrorCodes.EventTooLarge, "evt-2"), (error?.Code, error?.Id));
    }

    public static TheoryData<string, string, string?> BadEvents()
    {
        var data = new TheoryData<string, string, string?>
        {
            { "42", ErrorCodes.InvalidEvent, null },
            { "[]", ErrorCodes.InvalidEvent, null },
            { "null", ErrorCodes.InvalidEvent, null },
            { "\"event\"", ErrorCodes.InvalidEvent, null },
            { """{"name":"a","time":"2025-03-01T11:59:00Z"}""", ErrorCodes.MissingEventField, "id" },
            { """{"id":"a"}""", ErrorCodes.MissingEventField, "name, time" },
            { Event(extra: ""","titleId":"another-title" """), ErrorCodes.UnknownEventField, "titleId" },
            { Event(extra: ""","playerId":"0192f4c5a1b27c3d8e9f0a1b2c3d4e60" """), ErrorCodes.UnknownEventField, "playerId" },
            { Event(extra: ""","Name":"x" """), ErrorCodes.UnknownEventField, "Name" },
            { Event(extra: ""","playerSince":"2020-01-01T00:00:00Z" """), ErrorCodes.UnknownEventField, "playerSince" },
            { Event(extra: ""","id":"again" """), ErrorCodes.InvalidEvent, "id" },
            { """{"id":7,"name":"a","time":"2025-03-01T11:59:00Z"}""", ErrorCodes.InvalidEvent, "id" },
            { """{"id":"a","name":{"x":[1]},"time":"2025-03-01T11:59:00Z"}""", ErrorCodes.InvalidEvent, "name" },
            { """{"id":"a","name":"a","time":1740830340}""", ErrorCodes.InvalidEvent, "time" },
            { Event(id: ""), ErrorCodes.InvalidEventId, "id" },
            { Event(id: new string('i', 65)), ErrorCodes.InvalidEventId, "id" },
            { Event(id: "has space"), ErrorCodes.InvalidEventId, "id" },
            { Event(id: "a.b"), ErrorCodes.InvalidEventId, "id" },
            { Event(id: "café"), ErrorCodes.InvalidEventId, "id" },
            { Event(name: ""), ErrorCodes.InvalidEventName, "name" },
            { Event(name: "Level_up"), ErrorCodes.InvalidEventName, "name" },
            { Event(name: "1st_win"), ErrorCodes.InvalidEventName, "name" },
            { Event(name: "level-up"), ErrorCodes.InvalidEventName, "name" },
            { Event(name: "a" + new string('b', 64)), ErrorCodes.InvalidEventName, "name" },
            { Event(time: "2025-03-01T11:59:00"), ErrorCodes.InvalidEventTime, "time" },
            { Event(time: "2025-03-01"), ErrorCodes.InvalidEventTime, "time" },
            { Event(time: "yesterday at noon, roughly"), ErrorCodes.InvalidEventTime, "time" },
            { Event(time: "2025-02-30T11:59:00Z"), ErrorCodes.InvalidEventTime, "time" },
            { Event(time: (Now - TelemetryLimits.MaxEventAge - TimeSpan.FromSeconds(1)).ToString("O")), ErrorCodes.EventTimeOutOfRange, "time" },
            { Event(time: (Now + TelemetryLimits.MaxEventTimeAhead + TimeSpan.FromSeconds(1)).ToString("O")), ErrorCodes.EventTimeOutOfRange, "time" },
            { Event(time: "2999-01-01T00:00:00Z"), ErrorCodes.EventTimeOutOfRange, "time" },
            { Event(extra: $",\"sessionId\":\"{new string('s', 65)}\""), ErrorCodes.InvalidSessionId, "sessionId" },
            { Event(extra: ",\"sessionId\":\"\""), ErrorCodes.InvalidSessionId, "sessionId" },
            { Event(extra: ",\"sessionId\":12"), ErrorCodes.InvalidEvent, "sessionId" },
            { Event(extra: ",\"properties\":[1,2]"), ErrorCodes.InvalidEvent, "properties" },
            { Event(extra: ",\"properties\":\"level=3\""), ErrorCodes.InvalidEvent, "properties" },
            { Event(extra: ",\"properties\":{\"nested\":{\"a\":1}}"), ErrorCodes.InvalidEventProperties, "properties.nested" },
            { Event(extra: ",\"properties\":{\"list\":[1]}"), ErrorCodes.InvalidEventProperties, "properties.list" },
            { Event(extra: ",\"properties\":{\"big\":1e400}"), ErrorCodes.InvalidEventProperties, "properties.big" },
            { Event(extra: $",\"properties\":{{\"s\":\"{new string('v', 257)}\"}}"), ErrorCodes.InvalidEventProperties, "properties.s" },
            { Event(extra: $",\"properties\":{{\"s\":\"{string.Concat(Enumerable.Repeat("\\u00e9", 257))}\"}}"), ErrorCodes.InvalidEventProperties, "properties.s" },
            { Event(extra: ",\"properties\":{\"a\":1,\"a\":2}"), ErrorCodes.InvalidEventProperties, "properties.a" },
            { Event(extra: ",\"properties\":{\"\":1}"), ErrorCodes.InvalidEventProperties, "properties" },
            { Event(extra: $",\"properties\":{{\"{new string('k', 65)}\":1}}"), ErrorCodes.InvalidEventProperties, "properties" },
            { Event(extra: ",\"properties\":{" + string.Join(',', Enumerable.Range(0, 33).Select(i => $"\"k{i}\":{i}")) + "}"), ErrorCodes.InvalidEventProperties, "properties" },
            { Event(extra: ",\"properties\":{\"p\":\"" + new string('x', TelemetryLimits.MaxEventBytes) + "\"}"), ErrorCodes.EventTooLarge, null },
        };
        foreach (var reserved in TelemetryLimits.ReservedNames)
        {
            data.Add(Event(name: reserved), ErrorCodes.ReservedEventName, "name");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadEvents))]
    public void A_bad_event_is_refused_with_its_code_and_member_and_the_next_one_still_counts(string json, string code, string? field)
    {
        var batch = NewBatch();

        var error = Add(batch, json);
        var next = Add(batch, Event(id: "next-one"));

        Assert.NotNull(error);
        Assert.Equal((0, code, field), (error.Index, error.Code, error.Field));
        Assert.False(string.IsNullOrWhiteSpace(error.Detail));
        Assert.Equal(error, Assert.Single(batch.Rejected));
        Assert.Null(next);
        Assert.Equal(Sender.PlayerId + ".next-one", Assert.Single(batch.Accepted).Id);
    }

    [Fact]
    public void A_refused_event_names_its_id_when_the_id_itself_is_well_formed()
    {
        var batch = NewBatch();

        Assert.Equal("kept", Add(batch, Event(id: "kept", name: "Bad"))?.Id);
        Assert.Null(Add(batch, Event(id: "bad id", name: "Bad"))?.Id);
        Assert.Equal("after", Add(batch, """{"properties":[],"id":"after"}""")?.Id);
    }

    [Fact]
    public void A_repeated_id_refuses_the_later_events_and_keeps_the_first()
    {
        var batch = NewBatch();

        Assert.Null(Add(batch, Event(id: "same", name: "first")));
        var second = Add(batch, Event(id: "same", name: "second"));
        Assert.Null(Add(batch, Event(id: "other")));
        var third = Add(batch, Event(id: "same", name: "third"));

        Assert.Equal((1, "same", ErrorCodes.DuplicateEventId, "id"), (second!.Index, second.Id, second.Code, second.Field));
        Assert.Equal((3, ErrorCodes.DuplicateEventId), (third!.Index, third.Code));
        Assert.Equal(["first", "level_up"], batch.Accepted.Select(e => e.Name));
        Assert.Equal(4, batch.Count);
    }

    [Fact]
    public void Ids_of_two_players_never_meet_on_the_bus_nor_meet_the_backends_own()
    {
        var mine = new TelemetryBatch(Sender, Now);
        var theirs = new TelemetryBatch(Sender with { PlayerId = "0192f4c5a1b27c3d8e9f0a1b2c3d4e60" }, Now);
        var backendId = RelayRegistry.EventId("title-1", new RelaySessionEvent(SessionEventNames.SessionStarted, "0192f4c5a1b27c3d8e9f0a1b2c3d4e61", Now, 2, null));

        Assert.Null(Add(mine, Event(id: backendId)));
        Assert.Null(Add(theirs, Event(id: backendId)));

        Assert.NotEqual(mine.Accepted[0].Id, theirs.Accepted[0].Id);
        Assert.NotEqual(backendId, mine.Accepted[0].Id);
        Assert.DoesNotContain(TelemetryBatch.IdSeparator, backendId);
    }

    [Fact]
    public void Escaped_strings_are_judged_by_their_decoded_value()
    {
        var batch = NewBatch();

        Assert.Null(Add(batch, """{"id":"\u0061bc","name":"\u006cevel","time":"2025-03-01T11:59:00Z","properties":{"\u006b":"\u00e9\n"}}"""));
        var e = Assert.Single(batch.Accepted);
        Assert.Equal((Sender.PlayerId + ".abc", "level"), (e.Id, e.Name));
        Assert.Equal("é\n", e.Properties!.Value.GetProperty("k").GetString());

        // An escaped reserved name is still reserved.
        Assert.Equal(ErrorCodes.ReservedEventName, Add(batch, """{"id":"x","name":"\u0073igned_in","time":"2025-03-01T11:59:00Z"}""")?.Code);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_an_invalid_event_not_an_exception()
    {
        var batch = NewBatch();
        var json = Encoding.UTF8.GetBytes(Event(extra: ",\"properties\":{\"k\":\"XX\"}"));
        var at = Array.IndexOf(json, (byte)'X');
        json[at] = 0xC3;
        json[at + 1] = 0x28;

        var error = batch.Add(json);
        var badKey = Encoding.UTF8.GetBytes(Event(extra: ",\"properties\":{\"XX\":1}"));
        at = Array.IndexOf(badKey, (byte)'X');
        badKey[at] = 0xC3;
        badKey[at + 1] = 0x28;

        Assert.Equal((ErrorCodes.InvalidEventProperties, "properties.k"), (error?.Code, error?.Field));
        Assert.Equal(ErrorCodes.InvalidEvent, batch.Add(badKey)?.Code);
        Assert.Empty(batch.Accepted);
    }

    [Fact]
    public void Every_name_the_backend_publishes_is_reserved()
    {
        var published = new[] { typeof(BackendEventNames), typeof(SessionEventNames) }
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.True(published.Count >= 8);
        Assert.All(published, name => Assert.True(TelemetryLimits.ReservedNames.Contains(name), name));
        Assert.All(published, name => Assert.True(TelemetryLimits.IsValidName(name), name));
    }
}
