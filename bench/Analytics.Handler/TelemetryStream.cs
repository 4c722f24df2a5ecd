using System.Text.Json;
using GameBackend.Core.Events;

namespace GameBackend.Bench.Analytics;

/// <summary>
/// The analytics benchmarks' event stream: telemetry of 100,000 players over 40 cohort days and the last six hours, 30
/// event names with three properties, and one event in 50 each a relay heartbeat, a formed match and a session end.
/// Seeded, so every benchmark (handler alone, Kafka consumer) measures the same events.
/// </summary>
internal static class TelemetryStream
{
    /// <summary>The benchmarks' fixed clock: every event falls within its last six hours.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    public static List<BackendEvent> Events(int total, string titleId = "title")
    {
        var random = new Random(6);
        var heartbeat = JsonDocument.Parse("""{"relay":"relay-1","region":"eu","sessions":40,"members":400}""").RootElement;
        var ended = JsonDocument.Parse("""{"relay":"relay-1","region":"eu","members":0,"durationSeconds":612.5}""").RootElement;
        var custom = JsonDocument.Parse("""{"level":12,"mode":"ranked","map":"harbor"}""").RootElement;
        var events = new List<BackendEvent>(total);
        for (var i = 0; i < total; i++)
        {
            var player = random.Next(100_000);
            var at = Now.AddSeconds(-random.Next(6 * 3600));
            var since = Now.AddDays(-(player % 40));
            events.Add((i % 50) switch
            {
                0 => new BackendEvent(titleId, "e" + i, BackendEventNames.RelayHeartbeat, at, null, null, heartbeat),
                1 => new BackendEvent(titleId, "e" + i, BackendEventNames.MatchFormed, at),
                2 => new BackendEvent(titleId, "e" + i, "session_ended", at, null, "s" + i, ended),
                _ => new BackendEvent(titleId, "e" + i, "event_" + (i % 30), at, "player-" + player, null, custom, since),
            });
        }

        return events;
    }
}
