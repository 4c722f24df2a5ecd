using System.Globalization;
using System.Text.Json.Serialization;

namespace GameBackend.Core.Analytics;

/// <summary>Where analytics items live: one partition per title, a rollup item per UTC day, a checkpoint per log partition.</summary>
public static class AnalyticsKeys
{
    /// <summary>The partition of every analytics item of a title.</summary>
    public const string Partition = "analytics";

    public const string DayPrefix = "day/";

    public static string Day(DateOnly day) => DayPrefix + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Checkpoint(string topic, int partition) =>
        "checkpoint/" + topic + "/" + partition.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// One title's rollup of one UTC day (sort key <c>day/{yyyy-MM-dd}</c>). Every member is bounded, so the item stays
/// far below DynamoDB's 400 KB whatever the traffic: five sketches of at most 12 KiB, 200 event names, 24 hours,
/// 288 five-minute CCU slots of at most <see cref="DayRollup.MaxCcuRelays"/> relays.
/// </summary>
internal sealed class DayRollupDocument
{
    public string Date { get; set; } = "";

    /// <summary>Events rolled up into this day.</summary>
    public long Events { get; set; }

    public long[] HourEvents { get; set; } = new long[24];

    public long[] HourMatches { get; set; } = new long[24];

    public long[] HourSessionsStarted { get; set; } = new long[24];

    public long[] HourSessionsEnded { get; set; } = new long[24];

    /// <summary>session_ended events that carried a duration.</summary>
    public long SessionsMeasured { get; set; }

    public double SessionSecondsTotal { get; set; }

    /// <summary>Counts per <see cref="DayRollup.SessionLengthBuckets"/> bucket.</summary>
    public long[] SessionLengthHistogram { get; set; } = new long[DayRollup.SessionLengthBuckets.Length + 1];

    /// <summary>Distinct players active this day (DAU).</summary>
    public byte[]? Players { get; set; }

    /// <summary>Distinct players active this day whose account was made this day (the cohort).</summary>
    public byte[]? NewPlayers { get; set; }

    /// <summary>This day's cohort active on day +1.</summary>
    public byte[]? RetainedD1 { get; set; }

    /// <summary>This day's cohort active on day +7.</summary>
    public byte[]? RetainedD7 { get; set; }

    /// <summary>This day's cohort active on day +30.</summary>
    public byte[]? RetainedD30 { get; set; }

    public Dictionary<string, long> Names { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Relays seen in heartbeats this day; a CCU slot's values are in this order.</summary>
    public List<string> CcuRelays { get; set; } = [];

    /// <summary>
    /// Five-minute slot (0–287) → per relay (index into <see cref="CcuRelays"/>) the last sample in the slot, packed as
    /// members × 300 + second of the slot, so the later sample is the larger number and keeping the maximum keeps the last.
    /// </summary>
    public Dictionary<int, int[]> Ccu { get; set; } = [];

    /// <summary>Heartbeats not counted because the day already had <see cref="DayRollup.MaxCcuRelays"/> relays.</summary>
    public long CcuSamplesDropped { get; set; }

    /// <summary>Events processed this day that were older than the rollup window and not rolled up.</summary>
    public long LateEvents { get; set; }

    /// <summary>Events processed this day that were dated further ahead than the rollup window and not rolled up.</summary>
    public long FutureEvents { get; set; }
}

/// <summary>The highest log offset of one (topic, partition) whose events are in this title's rollups.</summary>
internal sealed class CheckpointDocument
{
    public long Offset { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DayRollupDocument))]
[JsonSerializable(typeof(CheckpointDocument))]
internal sealed partial class AnalyticsJsonContext : JsonSerializerContext;
