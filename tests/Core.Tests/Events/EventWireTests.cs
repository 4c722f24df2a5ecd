using System.Text;
using System.Text.Json;
using GameBackend.Core.Events;

namespace GameBackend.Core.Tests.Events;

public sealed class EventWireTests
{
    [Fact]
    public void An_event_survives_encoding_with_its_properties_and_cohort()
    {
        using var properties = JsonDocument.Parse("""{"level":3,"mode":"ranked"}""");
        var sent = new BackendEvent("t1", "e1", "level_up", new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero), "p1", "s1",
            properties.RootElement.Clone(), new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

        var received = EventWire.TryDecode(EventWire.Encode(sent));

        Assert.NotNull(received);
        Assert.Equal(sent with { Properties = null }, received with { Properties = null });
        Assert.Equal(3, received.Properties!.Value.GetProperty("level").GetInt32());
        Assert.Equal("ranked", received.Properties!.Value.GetProperty("mode").GetString());
    }

    [Fact]
    public void An_event_without_player_session_properties_or_cohort_survives_encoding()
    {
        var sent = new BackendEvent("t1", "e1", "match_formed", new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero), null, null, null);

        Assert.Equal(sent, EventWire.TryDecode(EventWire.Encode(sent)));
    }

    [Fact]
    public void The_key_keeps_a_players_events_together_and_separates_titles()
    {
        var at = DateTimeOffset.UnixEpoch;
        Assert.Equal("t1/p1", Encoding.UTF8.GetString(EventWire.Key(new BackendEvent("t1", "a", "x", at, "p1", null, null))));
        Assert.Equal("t2/p1", Encoding.UTF8.GetString(EventWire.Key(new BackendEvent("t2", "b", "x", at, "p1", null, null))));
        Assert.Equal("t1/-s9", Encoding.UTF8.GetString(EventWire.Key(new BackendEvent("t1", "c", "x", at, null, "s9", null))));
        Assert.Equal("t1/-c", Encoding.UTF8.GetString(EventWire.Key(new BackendEvent("t1", "c", "x", at, null, null, null))));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("""{"titleId":"t1","id":"e1","time":"2026-11-25T00:00:00Z"}""")]
    [InlineData("""{"titleId":"","id":"e1","name":"x","time":"2026-11-25T00:00:00Z"}""")]
    [InlineData("""{"titleId":null,"id":"e1","name":"x","time":"2026-11-25T00:00:00Z"}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x"}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":null}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"yesterday"}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":1764028800}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z","time":null}""")]
    [InlineData("""{"titleId":"t1","id":7,"name":"x","time":"2026-11-25T00:00:00Z"}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":["x"],"time":"2026-11-25T00:00:00Z"}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z","playerId":true}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z","playerSince":"soon"}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z","properties":{"a":1}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z","properties":{"a":}}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z"} {}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z"}x""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z",}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z" /* c */}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z","unknown":[1,{"a":}]}""")]
    [InlineData("""{"TitleId":"t1","Id":"e1","Name":"x","Time":"2026-11-25T00:00:00Z"}""")]
    public void Bytes_that_are_not_an_event_decode_to_null(string value)
    {
        Assert.Null(EventWire.TryDecode(Encoding.UTF8.GetBytes(value)));
        Assert.Null(SerializerDecode(Encoding.UTF8.GetBytes(value)));
    }

    [Fact]
    public void Bytes_that_are_not_UTF_8_decode_to_null()
    {
        var value = Encoding.UTF8.GetBytes("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z","properties":{"k":"??"}}""");
        value[Array.IndexOf(value, (byte)'?')] = 0xC3; // a lead byte followed by '?' instead of a continuation byte

        Assert.Null(EventWire.TryDecode(value));
    }

    [Fact]
    public void Properties_nested_deeper_than_the_readers_limit_decode_to_null()
    {
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70);
        var value = Encoding.UTF8.GetBytes("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T00:00:00Z","properties":""" + nested + "}");

        Assert.Null(EventWire.TryDecode(value));
        Assert.Null(SerializerDecode(value));
    }

    [Fact]
    public void The_wire_format_is_unchanged_and_a_record_written_before_the_reader_was_rewritten_still_decodes()
    {
        // Bytes as the serializer-based EventWire of commit 2534cf2 wrote them.
        const string Recorded =
            """{"titleId":"t1","id":"e1","name":"level_up","time":"2026-11-25T13:00:00+00:00","playerId":"p1","sessionId":"s1","properties":{"level":3,"mode":"ranked","fast":true,"note":null},"playerSince":"2026-11-01T00:00:00+00:00"}""";
        using var properties = JsonDocument.Parse("""{"level":3,"mode":"ranked","fast":true,"note":null}""");
        var sent = new BackendEvent("t1", "e1", "level_up", new DateTimeOffset(2026, 11, 25, 13, 0, 0, TimeSpan.Zero), "p1", "s1",
            properties.RootElement.Clone(), new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(Recorded, Encoding.UTF8.GetString(EventWire.Encode(sent)));
        var received = EventWire.TryDecode(Encoding.UTF8.GetBytes(Recorded));
        Assert.NotNull(received);
        Assert.Equal(sent with { Properties = null }, received with { Properties = null });
        Assert.Equal("""{"level":3,"mode":"ranked","fast":true,"note":null}""", received.PropertiesJson());
        Assert.True(received.Properties!.Value.GetProperty("fast").GetBoolean());
    }

    // Records as other writers could have made them: members in another order, unknown members, explicit nulls,
    // escaped names and values, whitespace, a repeated member, properties of every JSON kind. Each must decode to
    // what the serializer (EventWire's reader before it was rewritten) made of it.
    [Theory]
    [InlineData("""{"time":"2026-11-25T13:00:00Z","name":"x","id":"e1","titleId":"t1"}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T13:00:00.1234567+02:00","playerId":null,"sessionId":null,"properties":null,"playerSince":null}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T13:00:00Z","extra":{"deep":[1,2,{"x":null}]},"more":"text","n":1.5e3}""")]
    [InlineData("""{"\u0074itleId":"t\u00e9","id":"e\"1\"","name":"x\\y","time":"2026-11-25T13:00:00Z","playerId":"p\ud83d\ude00"}""")]
    [InlineData(" \n { \"titleId\" : \"t1\" , \"id\" : \"e1\" , \"name\" : \"x\" , \"time\" : \"2026-11-25T13:00:00Z\" , \"properties\" : { \"a\" : [ 1 , 2 ] } } \r\n")]
    [InlineData("""{"titleId":"t1","id":"first","id":"e1","name":"x","time":"2026-11-25T13:00:00Z","playerId":"p1","playerId":null}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T13:00:00Z","properties":{"a":1},"properties":null}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T13:00:00Z","properties":"just text \u00e9"}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T13:00:00Z","properties":[1,"two",{"three":3}]}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T13:00:00Z","properties":-12.5}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T13:00:00Z","properties":false}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T13:00:00Z","properties":{}}""")]
    [InlineData("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25","playerSince":"2026-11-01T00:00:00-05:00"}""")]
    public void Records_in_any_valid_shape_decode_as_the_serializer_read_them(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var expected = SerializerDecode(bytes);
        var actual = EventWire.TryDecode(bytes);

        Assert.NotNull(expected);
        Assert.NotNull(actual);
        Assert.Equal(expected with { Properties = null }, actual with { Properties = null });
        Assert.Equal(expected.Properties?.GetRawText(), actual.PropertiesJson());
        Assert.Equal(expected.Properties?.GetRawText(), actual.Properties?.GetRawText());
        Assert.Equal(expected.Properties?.ValueKind, actual.Properties?.ValueKind);
    }

    [Fact]
    public void A_decoded_events_properties_can_be_replaced_and_the_event_encodes_again()
    {
        var decoded = EventWire.TryDecode("""{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T13:00:00Z","properties":{"a":1}}"""u8)!;
        using var other = JsonDocument.Parse("""{"b":2}""");

        var replaced = decoded with { Properties = other.RootElement };
        var removed = decoded with { Properties = null };

        Assert.Equal("""{"b":2}""", replaced.PropertiesJson());
        Assert.Equal(2, replaced.Properties!.Value.GetProperty("b").GetInt32());
        Assert.Null(removed.Properties);
        Assert.Null(removed.PropertiesJson());
        Assert.Equal(
            """{"titleId":"t1","id":"e1","name":"x","time":"2026-11-25T13:00:00+00:00","properties":{"a":1}}""",
            Encoding.UTF8.GetString(EventWire.Encode(decoded)));
    }

    [Fact]
    public void An_event_made_in_code_gives_its_properties_as_json_text()
    {
        using var properties = JsonDocument.Parse("""{ "a" : 1 }""");
        var at = DateTimeOffset.UnixEpoch;

        Assert.Equal("""{ "a" : 1 }""", new BackendEvent("t1", "e1", "x", at, Properties: properties.RootElement).PropertiesJson());
        Assert.Null(new BackendEvent("t1", "e1", "x", at).PropertiesJson());
        Assert.Null(new BackendEvent("t1", "e1", "x", at, Properties: default(JsonElement)).PropertiesJson());
    }

    // The reader EventWire used before its Utf8JsonReader pass: the source-generated serializer.
    private static BackendEvent? SerializerDecode(byte[] value)
    {
        try
        {
            var e = JsonSerializer.Deserialize(value, EventWireJsonContext.Default.BackendEvent);
            return e is { TitleId.Length: > 0, Id.Length: > 0, Name.Length: > 0 } ? e : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
