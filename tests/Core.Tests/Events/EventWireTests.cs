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
    [InlineData("""{"titleId":"t1","id":"e1","time":"2026-11-25T00:00:00Z"}""")]
    [InlineData("""{"titleId":"","id":"e1","name":"x","time":"2026-11-25T00:00:00Z"}""")]
    [InlineData("[]")]
    public void Bytes_that_are_not_an_event_decode_to_null(string value) =>
        Assert.Null(EventWire.TryDecode(Encoding.UTF8.GetBytes(value)));
}
