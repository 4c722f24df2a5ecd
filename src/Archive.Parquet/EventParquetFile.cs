using GameBackend.Core.Events;
using Parquet;
using Parquet.Schema;

namespace GameBackend.Archive.Parquet;

/// <summary>
/// The archive's one file format: one row per event, typed columns, written with Parquet.Net's column API (the
/// reflection-based serializer would not survive Native AOT trimming). Column names are snake_case because that is what
/// SQL over files expects; docs/analytics.md ("Archive") shows the external tables.
/// </summary>
public static class EventParquetFile
{
    public static readonly DataField<string> Id = new("id", nullable: false);
    public static readonly DataField<string> Name = new("name", nullable: false);

    /// <summary>TIMESTAMP(MICROS, isAdjustedToUTC=true): Athena, BigQuery and Synapse all read it as an instant.</summary>
    public static readonly DateTimeDataField Time = new("time", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: false);

    public static readonly DataField<string> PlayerId = new("player_id", nullable: true);
    public static readonly DataField<string> SessionId = new("session_id", nullable: true);
    public static readonly DateTimeDataField PlayerSince = new("player_since", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);

    /// <summary>The event's properties as one JSON text (JSON_EXTRACT in Athena, JSON_VALUE in BigQuery and Synapse).</summary>
    public static readonly DataField<string> Properties = new("properties", nullable: true);

    public static readonly DataField<string> TitleId = new("title_id", nullable: false);

    public static readonly ParquetSchema Schema = new(Id, Name, Time, PlayerId, SessionId, PlayerSince, Properties, TitleId);

    /// <summary>Writes <paramref name="events"/> in order as one Parquet file, a row group per <paramref name="rowGroupSize"/> rows.</summary>
    public static async Task<byte[]> WriteAsync(IReadOnlyList<BackendEvent> events, CompressionMethod compression, int rowGroupSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowGroupSize, 1);
        using var output = new MemoryStream();
        var options = new ParquetOptions { CompressionMethod = compression };
        await using (var writer = await ParquetWriter.CreateAsync(Schema, output, options, false, cancellationToken))
        {
            for (var start = 0; start < events.Count; start += rowGroupSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var count = Math.Min(rowGroupSize, events.Count - start);
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(Id, Strings(events, start, count, static e => e.Id));
                await group.WriteAsync(Name, Strings(events, start, count, static e => e.Name));
                await group.WriteAsync<DateTime>(Time, Times(events, start, count));
                await group.WriteAsync(PlayerId, Strings(events, start, count, static e => e.PlayerId));
                await group.WriteAsync(SessionId, Strings(events, start, count, static e => e.SessionId));
                await group.WriteAsync<DateTime>(PlayerSince, PlayerSinces(events, start, count));
                await group.WriteAsync(Properties, Strings(events, start, count, static e => e.PropertiesJson()));
                await group.WriteAsync(TitleId, Strings(events, start, count, static e => e.TitleId));
            }
        }

        return output.ToArray();
    }

    // Parquet.Net declares the string column as IReadOnlyCollection<string>; nulls are allowed for nullable fields.
    private static string[] Strings(IReadOnlyList<BackendEvent> events, int start, int count, Func<BackendEvent, string?> value)
    {
        var column = new string?[count];
        for (var i = 0; i < count; i++)
        {
            column[i] = value(events[start + i]);
        }

        return column!;
    }

    private static DateTime[] Times(IReadOnlyList<BackendEvent> events, int start, int count)
    {
        var column = new DateTime[count];
        for (var i = 0; i < count; i++)
        {
            column[i] = events[start + i].Time.UtcDateTime;
        }

        return column;
    }

    private static DateTime?[] PlayerSinces(IReadOnlyList<BackendEvent> events, int start, int count)
    {
        var column = new DateTime?[count];
        for (var i = 0; i < count; i++)
        {
            column[i] = events[start + i].PlayerSince?.UtcDateTime;
        }

        return column;
    }
}
