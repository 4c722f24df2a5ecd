using System.Globalization;
using System.Text.Json;
using GameBackend.Core.Events;
using GameBackend.Core.Sessions;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Analytics;

/// <summary>
/// A day's rollup while a transaction works on it: the stored document with its sketches unpacked, so a batch hashes
/// into them in memory and packs them once at the end.
/// </summary>
internal sealed class DayRollup
{
    /// <summary>Distinct event names counted per day; the rest are counted under <see cref="OtherName"/>.</summary>
    public const int MaxNames = 200;

    /// <summary>Longer names are counted under <see cref="OtherName"/> (keeps the item bounded).</summary>
    public const int MaxNameLength = 64;

    public const string OtherName = "_other";

    /// <summary>Relays whose heartbeats make up a day's CCU; heartbeats of further relays are counted as dropped.</summary>
    public const int MaxCcuRelays = 32;

    public const int MaxRelayIdLength = 64;

    public const int SlotSeconds = 300;

    public const int SlotsPerDay = 24 * 3600 / SlotSeconds;

    /// <summary>A relay's member count is capped here in CCU samples (keeps the packed sample in an int).</summary>
    public const int MaxMembersPerRelay = 1_000_000;

    /// <summary>Sessions longer than this (a week) are not measured: a relay's clock went wrong.</summary>
    public const double MaxSessionSeconds = 7 * 24 * 3600;

    /// <summary>Upper bounds (exclusive, seconds) of the session-length buckets; one more bucket holds the rest.</summary>
    public static readonly double[] SessionLengthBuckets = [30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

    private DistinctCountSketch? _players;
    private DistinctCountSketch? _newPlayers;
    private DistinctCountSketch? _d1;
    private DistinctCountSketch? _d7;
    private DistinctCountSketch? _d30;

    private DayRollup(DateOnly day, DayRollupDocument document, string? version)
    {
        Day = day;
        Document = document;
        Version = version;
    }

    public DateOnly Day { get; }

    public DayRollupDocument Document { get; }

    /// <summary>The stored version, or null when the day has no item yet.</summary>
    public string? Version { get; }

    public DistinctCountSketch Players => _players ??= DistinctCountSketch.FromBytes(Document.Players);

    public DistinctCountSketch NewPlayers => _newPlayers ??= DistinctCountSketch.FromBytes(Document.NewPlayers);

    public DistinctCountSketch Retained(int days) => days switch
    {
        1 => _d1 ??= DistinctCountSketch.FromBytes(Document.RetainedD1),
        7 => _d7 ??= DistinctCountSketch.FromBytes(Document.RetainedD7),
        30 => _d30 ??= DistinctCountSketch.FromBytes(Document.RetainedD30),
        _ => throw new ArgumentOutOfRangeException(nameof(days), days, "Retention is kept for days 1, 7 and 30."),
    };

    public static DayRollup Empty(DateOnly day) =>
        new(day, new DayRollupDocument { Date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, null);

    public static DayRollup From(DateOnly day, StoredItem? item)
    {
        if (item is null)
        {
            return Empty(day);
        }

        var document = JsonSerializer.Deserialize(item.Body, AnalyticsJsonContext.Default.DayRollupDocument)
            ?? throw new InvalidDataException($"The rollup {item.Key} is empty.");
        return new DayRollup(day, Normalize(document), item.Version);
    }

    /// <summary>Counts one event dated this day (its player's sketches are the caller's, who knows the cohort).</summary>
    public void AddEvent(BackendEvent e, DateTime utc)
    {
        var d = Document;
        var hour = utc.Hour;
        d.Events++;
        d.HourEvents[hour]++;
        CountName(e.Name);
        switch (e.Name)
        {
            case BackendEventNames.MatchFormed:
                d.HourMatches[hour]++;
                break;
            case SessionEventNames.SessionStarted:
                d.HourSessionsStarted[hour]++;
                break;
            case SessionEventNames.SessionEnded:
                d.HourSessionsEnded[hour]++;
                if (TryGetNumber(e.Properties, "durationSeconds", out var seconds) && seconds >= 0 && seconds <= MaxSessionSeconds)
                {
                    d.SessionsMeasured++;
                    d.SessionSecondsTotal += seconds;
                    d.SessionLengthHistogram[BucketOf(seconds)]++;
                }

                break;
            case BackendEventNames.RelayHeartbeat:
                AddCcuSample(e.Properties, utc);
                break;
        }
    }

    public static int BucketOf(double seconds)
    {
        var bucket = 0;
        while (bucket < SessionLengthBuckets.Length && seconds >= SessionLengthBuckets[bucket])
        {
            bucket++;
        }

        return bucket;
    }

    public byte[] Serialize()
    {
        var d = Document;
        if (_players is not null)
        {
            d.Players = _players.ToBytes();
        }

        if (_newPlayers is not null)
        {
            d.NewPlayers = _newPlayers.ToBytes();
        }

        if (_d1 is not null)
        {
            d.RetainedD1 = _d1.ToBytes();
        }

        if (_d7 is not null)
        {
            d.RetainedD7 = _d7.ToBytes();
        }

        if (_d30 is not null)
        {
            d.RetainedD30 = _d30.ToBytes();
        }

        return JsonSerializer.SerializeToUtf8Bytes(d, AnalyticsJsonContext.Default.DayRollupDocument);
    }

    /// <summary>The CCU of each five-minute slot: the sum over relays of each relay's last sample in the slot.</summary>
    public static int[] CcuBySlot(DayRollupDocument document)
    {
        var slots = new int[SlotsPerDay];
        foreach (var (slot, samples) in document.Ccu)
        {
            if (slot is < 0 or >= SlotsPerDay)
            {
                continue;
            }

            long sum = 0;
            foreach (var packed in samples)
            {
                sum += packed / SlotSeconds;
            }

            slots[slot] = (int)Math.Min(sum, int.MaxValue);
        }

        return slots;
    }

    private void CountName(string name)
    {
        var names = Document.Names;
        if (name.Length <= MaxNameLength && (names.ContainsKey(name) || names.Count - (names.ContainsKey(OtherName) ? 1 : 0) < MaxNames))
        {
            names[name] = names.GetValueOrDefault(name) + 1;
        }
        else
        {
            names[OtherName] = names.GetValueOrDefault(OtherName) + 1;
        }
    }

    private void AddCcuSample(JsonElement? properties, DateTime utc)
    {
        if (properties is not { ValueKind: JsonValueKind.Object } p
            || !p.TryGetProperty("relay", out var relayElement) || relayElement.ValueKind != JsonValueKind.String
            || !TryGetNumber(properties, "members", out var membersValue) || membersValue < 0)
        {
            return;
        }

        var relay = relayElement.GetString()!;
        var d = Document;
        var index = d.CcuRelays.IndexOf(relay);
        if (index < 0)
        {
            if (d.CcuRelays.Count >= MaxCcuRelays || relay.Length == 0 || relay.Length > MaxRelayIdLength)
            {
                d.CcuSamplesDropped++;
                return;
            }

            d.CcuRelays.Add(relay);
            index = d.CcuRelays.Count - 1;
        }

        var slot = ((utc.Hour * 60) + utc.Minute) / (SlotSeconds / 60);
        var second = ((utc.Minute % (SlotSeconds / 60)) * 60) + utc.Second;
        var packed = ((int)Math.Min(membersValue, MaxMembersPerRelay) * SlotSeconds) + second;
        if (!d.Ccu.TryGetValue(slot, out var samples) || samples.Length <= index)
        {
            var grown = new int[d.CcuRelays.Count];
            samples?.CopyTo(grown, 0);
            d.Ccu[slot] = samples = grown;
        }

        if (packed > samples[index])
        {
            samples[index] = packed;
        }
    }

    private static bool TryGetNumber(JsonElement? properties, string name, out double value)
    {
        value = 0;
        return properties is { ValueKind: JsonValueKind.Object } p
            && p.TryGetProperty(name, out var element)
            && element.ValueKind == JsonValueKind.Number
            && element.TryGetDouble(out value)
            && double.IsFinite(value);
    }

    /// <summary>Arrays of a stored document always have their full length, whatever wrote it.</summary>
    private static DayRollupDocument Normalize(DayRollupDocument d)
    {
        d.HourEvents = Fit(d.HourEvents, 24);
        d.HourMatches = Fit(d.HourMatches, 24);
        d.HourSessionsStarted = Fit(d.HourSessionsStarted, 24);
        d.HourSessionsEnded = Fit(d.HourSessionsEnded, 24);
        d.SessionLengthHistogram = Fit(d.SessionLengthHistogram, SessionLengthBuckets.Length + 1);
        d.Names ??= new Dictionary<string, long>(StringComparer.Ordinal);
        d.CcuRelays ??= [];
        d.Ccu ??= [];
        return d;
    }

    private static long[] Fit(long[]? values, int length)
    {
        if (values is not null && values.Length == length)
        {
            return values;
        }

        var fitted = new long[length];
        values?.AsSpan(0, Math.Min(values.Length, length)).CopyTo(fitted);
        return fitted;
    }
}
