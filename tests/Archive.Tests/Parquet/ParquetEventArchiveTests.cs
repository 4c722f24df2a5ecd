using System.Text.Json;
using GameBackend.Archive.Parquet;
using GameBackend.Core.Events;
using Parquet;
using Parquet.Meta;
using Parquet.Schema;

namespace GameBackend.Archive.Tests.Parquet;

public sealed class ParquetEventArchiveTests : IDisposable
{
    private const string TitleA = "0193a5b2c4d57e8f9a0b1c2d3e4f5a6b";
    private const string TitleB = "0193a5b2c4d57e8f9a0b1c2d3e4f5a6c";
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "gamebackend-archive-" + Guid.NewGuid().ToString("N"));
    private readonly FolderObjectStore store;

    public ParquetEventArchiveTests() => store = new FolderObjectStore(folder);

    [Fact]
    public async Task Every_column_reads_back_with_its_type_and_value()
    {
        var since = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(9_990);
        using var properties = JsonDocument.Parse("""{"level":3,"weapon":"bow","tags":["a","b"],"note":"é \"quoted\""}""");
        var full = new BackendEvent(TitleA, "e1", "level_up", Noon.AddMinutes(5).AddTicks(1_234_560), "p1", "s1", properties.RootElement.Clone(), since);
        var bare = new BackendEvent(TitleA, "e2", "app_open", Noon.AddMinutes(6), null, null, null);

        await new ParquetEventArchive(store).ArchiveAsync("batch-1", [full, bare]);

        var key = $"events/title={TitleA}/date=2026-11-25/hour=12/batch-1.parquet";
        Assert.Equal([key], await KeysAsync());
        var (schema, rows) = await ReadAsync(key);
        Assert.Equal(
            ["id", "name", "time", "player_id", "session_id", "player_since", "properties", "title_id"],
            schema.GetDataFields().Select(f => f.Name));

        // The physical and logical types in the file's footer: what Athena, BigQuery and Synapse go by.
        await using (var reader = await ParquetReader.CreateAsync(new MemoryStream((await store.GetAsync(key))!)))
        {
            var columns = reader.Metadata!.Schema.Skip(1).ToDictionary(c => c.Name);
            Assert.All(new[] { "id", "name", "title_id" }, c => Assert.Equal(FieldRepetitionType.REQUIRED, columns[c].RepetitionType));
            Assert.All(new[] { "player_id", "session_id", "properties" }, c => Assert.Equal(FieldRepetitionType.OPTIONAL, columns[c].RepetitionType));
            Assert.All(new[] { "id", "name", "player_id", "session_id", "properties", "title_id" }, c =>
            {
                Assert.Equal(global::Parquet.Meta.Type.BYTE_ARRAY, columns[c].Type);
                Assert.NotNull(columns[c].LogicalType!.STRING);
            });
            Assert.Equal(FieldRepetitionType.REQUIRED, columns["time"].RepetitionType);
            Assert.Equal(FieldRepetitionType.OPTIONAL, columns["player_since"].RepetitionType);
            Assert.All(new[] { "time", "player_since" }, c =>
            {
                Assert.Equal(global::Parquet.Meta.Type.INT64, columns[c].Type);
                Assert.True(columns[c].LogicalType!.TIMESTAMP!.IsAdjustedToUTC);
                Assert.NotNull(columns[c].LogicalType!.TIMESTAMP!.Unit.MICROS);
            });
        }

        Assert.Equal(2, rows.Count);
        Assert.Equal(new Row("e1", "level_up", new DateTime(2026, 11, 25, 12, 5, 0, DateTimeKind.Utc).AddTicks(1_234_560), "p1", "s1",
            since.UtcDateTime.AddTicks(-(since.UtcTicks % 10)), properties.RootElement.GetRawText(), TitleA), rows[0]);
        Assert.Equal(new Row("e2", "app_open", new DateTime(2026, 11, 25, 12, 6, 0, DateTimeKind.Utc), null, null, null, null, TitleA), rows[1]);
        Assert.Equal(DateTimeKind.Utc, rows[0].Time.Kind);
        using var roundTripped = JsonDocument.Parse(rows[0].Properties!);
        Assert.Equal("é \"quoted\"", roundTripped.RootElement.GetProperty("note").GetString());
    }

    [Fact]
    public async Task An_event_read_from_the_wire_keeps_its_properties_json_as_it_arrived()
    {
        const string Properties = """{"level":3,"note":"\u00e9 \"quoted\"","tags":["a"],"none":null}""";
        var value = System.Text.Encoding.UTF8.GetBytes(
            $$"""{"titleId":"{{TitleA}}","id":"e1","name":"level_up","time":"2026-11-25T12:05:00Z","properties":{{Properties}}}""");
        var decoded = EventWire.TryDecode(value)!;
        var empty = EventWire.TryDecode(System.Text.Encoding.UTF8.GetBytes(
            $$"""{"titleId":"{{TitleA}}","id":"e2","name":"level_up","time":"2026-11-25T12:06:00Z","properties":null}"""))!;

        await new ParquetEventArchive(store).ArchiveAsync("batch-1", [decoded, empty]);

        var (_, rows) = await ReadAsync($"events/title={TitleA}/date=2026-11-25/hour=12/batch-1.parquet");
        Assert.Equal([Properties, null], rows.Select(r => r.Properties));
        using var parsed = JsonDocument.Parse(rows[0].Properties!);
        Assert.Equal("é \"quoted\"", parsed.RootElement.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Time_is_partitioned_by_its_utc_hour_and_kept_as_an_instant()
    {
        var withOffset = new DateTimeOffset(2026, 11, 26, 1, 30, 0, TimeSpan.FromHours(2));

        await new ParquetEventArchive(store).ArchiveAsync("b", [Event(TitleA, "e1", withOffset)]);

        var key = $"events/title={TitleA}/date=2026-11-25/hour=23/b.parquet";
        Assert.Equal([key], await KeysAsync());
        Assert.Equal(new DateTime(2026, 11, 25, 23, 30, 0, DateTimeKind.Utc), Assert.Single((await ReadAsync(key)).Rows).Time);
    }

    [Fact]
    public async Task A_batch_spanning_hours_and_midnight_is_split_by_hour()
    {
        var late = new DateTimeOffset(2026, 12, 31, 22, 59, 59, TimeSpan.Zero);
        await new ParquetEventArchive(store).ArchiveAsync("span", [
            Event(TitleA, "e1", late),
            Event(TitleA, "e2", late.AddSeconds(1)),
            Event(TitleA, "e3", late.AddSeconds(2)),
            Event(TitleA, "e4", late.AddHours(1).AddSeconds(1)),
            Event(TitleA, "e5", late.AddSeconds(-1)),
        ]);

        Assert.Equal(
        [
            $"events/title={TitleA}/date=2026-12-31/hour=22/span.parquet",
            $"events/title={TitleA}/date=2026-12-31/hour=23/span.parquet",
            $"events/title={TitleA}/date=2027-01-01/hour=00/span.parquet",
        ], await KeysAsync());
        Assert.Equal(["e5", "e1"], (await ReadAsync($"events/title={TitleA}/date=2026-12-31/hour=22/span.parquet")).Rows.Select(r => r.Id));
        Assert.Equal(["e2", "e3"], (await ReadAsync($"events/title={TitleA}/date=2026-12-31/hour=23/span.parquet")).Rows.Select(r => r.Id));
        Assert.Equal(["e4"], (await ReadAsync($"events/title={TitleA}/date=2027-01-01/hour=00/span.parquet")).Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task A_batch_of_several_titles_is_split_by_title_and_no_file_holds_another_titles_rows()
    {
        await new ParquetEventArchive(store).ArchiveAsync("mixed", [
            Event(TitleA, "a1", Noon),
            Event(TitleB, "b1", Noon.AddMinutes(1)),
            Event(TitleA, "a2", Noon.AddMinutes(2)),
            Event(TitleB, "b2", Noon.AddMinutes(3)),
            Event(TitleB, "b3", Noon.AddMinutes(4)),
        ]);

        var a = await ReadAsync($"events/title={TitleA}/date=2026-11-25/hour=12/mixed.parquet");
        var b = await ReadAsync($"events/title={TitleB}/date=2026-11-25/hour=12/mixed.parquet");
        Assert.Equal(2, (await KeysAsync()).Count);
        Assert.Equal(["a1", "a2"], a.Rows.Select(r => r.Id));
        Assert.Equal(["b1", "b2", "b3"], b.Rows.Select(r => r.Id));
        Assert.All(a.Rows, r => Assert.Equal(TitleA, r.TitleId));
        Assert.All(b.Rows, r => Assert.Equal(TitleB, r.TitleId));
    }

    [Fact]
    public async Task Archiving_the_same_batch_id_again_replaces_its_objects_instead_of_adding_rows()
    {
        var archive = new ParquetEventArchive(store);
        IReadOnlyList<BackendEvent> batch = [Event(TitleA, "e1", Noon), Event(TitleA, "e2", Noon.AddHours(1)), Event(TitleB, "e3", Noon)];

        await archive.ArchiveAsync("events-0-42", batch);
        var first = await KeysAsync();
        var firstBytes = await store.GetAsync(first[0]);
        await archive.ArchiveAsync("events-0-42", batch);

        Assert.Equal(first, await KeysAsync());
        Assert.Equal(3, first.Count);
        Assert.Equal(firstBytes, await store.GetAsync(first[0]));
        var rows = new List<Row>();
        foreach (var key in first)
        {
            rows.AddRange((await ReadAsync(key)).Rows);
        }

        Assert.Equal(["e1", "e2", "e3"], rows.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task Another_batch_id_adds_its_own_objects_beside_the_first()
    {
        var archive = new ParquetEventArchive(store);

        await archive.ArchiveAsync("events-0-42", [Event(TitleA, "e1", Noon)]);
        await archive.ArchiveAsync("events-0-43", [Event(TitleA, "e2", Noon)]);

        Assert.Equal(
        [
            $"events/title={TitleA}/date=2026-11-25/hour=12/events-0-42.parquet",
            $"events/title={TitleA}/date=2026-11-25/hour=12/events-0-43.parquet",
        ], await KeysAsync());
    }

    [Fact]
    public async Task An_event_repeated_inside_a_batch_is_one_row()
    {
        await new ParquetEventArchive(store).ArchiveAsync("dup", [Event(TitleA, "e1", Noon), Event(TitleA, "e1", Noon), Event(TitleA, "e2", Noon)]);

        Assert.Equal(["e1", "e2"], (await ReadAsync(Assert.Single(await KeysAsync()))).Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task A_large_batch_becomes_several_row_groups_of_one_file()
    {
        var events = Enumerable.Range(0, 5).Select(i => Event(TitleA, $"e{i}", Noon.AddSeconds(i))).ToList();

        await new ParquetEventArchive(store, new ParquetEventArchiveOptions { RowGroupSize = 2 }).ArchiveAsync("big", events);

        var key = Assert.Single(await KeysAsync());
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream((await store.GetAsync(key))!));
        Assert.Equal(3, reader.RowGroupCount);
        Assert.Equal(events.Select(e => e.Id), (await ReadAsync(key)).Rows.Select(r => r.Id));
    }

    [Theory]
    [InlineData(ArchiveCompression.Snappy, CompressionCodec.SNAPPY)]
    [InlineData(ArchiveCompression.Zstd, CompressionCodec.ZSTD)]
    public async Task Columns_are_compressed_with_the_chosen_codec(ArchiveCompression compression, CompressionCodec codec)
    {
        await new ParquetEventArchive(store, new ParquetEventArchiveOptions { Compression = compression }).ArchiveAsync("c", [Event(TitleA, "e1", Noon)]);

        await using var reader = await ParquetReader.CreateAsync(new MemoryStream((await store.GetAsync(Assert.Single(await KeysAsync())))!));
        using var group = reader.OpenRowGroupReader(0);
        Assert.All(reader.Schema.GetDataFields(), f => Assert.Equal(codec, group.GetMetadata(f)!.MetaData!.Codec));
    }

    [Fact]
    public async Task A_title_that_is_not_a_plain_id_stays_inside_its_own_partition_folder()
    {
        await new ParquetEventArchive(store).ArchiveAsync("odd", [Event("../x/y=z", "e1", Noon)]);

        Assert.Equal(["events/title=%2E%2E%2Fx%2Fy%3Dz/date=2026-11-25/hour=12/odd.parquet"], await KeysAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("../b")]
    [InlineData(".hidden")]
    [InlineData("_temporary")]
    [InlineData("ends.")]
    [InlineData("space here")]
    public async Task A_bad_batch_id_is_refused_and_writes_nothing(string batchId)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => new ParquetEventArchive(store).ArchiveAsync(batchId, [Event(TitleA, "e1", Noon)]));

        Assert.Empty(await KeysAsync());
    }

    [Fact]
    public async Task An_empty_batch_writes_nothing()
    {
        await new ParquetEventArchive(store).ArchiveAsync("empty", []);

        Assert.Empty(await KeysAsync());
    }

    [Theory]
    [InlineData(0, 4)]
    [InlineData(1_000_001, 4)]
    [InlineData(10, 0)]
    public void Unusable_options_are_refused(int rowGroupSize, int maxConcurrentWrites) =>
        Assert.Throws<ArgumentException>(() => new ParquetEventArchive(store, new ParquetEventArchiveOptions { RowGroupSize = rowGroupSize, MaxConcurrentWrites = maxConcurrentWrites }));

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static BackendEvent Event(string title, string id, DateTimeOffset time) =>
        new(title, id, "test_event", time, "player-" + id, null, null);

    private async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        await foreach (var key in store.ListAsync(""))
        {
            keys.Add(key);
        }

        return keys;
    }

    private async Task<(ParquetSchema Schema, List<Row> Rows)> ReadAsync(string key) =>
        await ArchivedRows.ReadAsync((await store.GetAsync(key)) ?? throw new InvalidOperationException($"{key} is missing"));
}
