using Parquet;
using Parquet.Schema;

namespace GameBackend.Archive.Tests.Parquet;

public sealed record Row(string Id, string Name, DateTime Time, string? PlayerId, string? SessionId, DateTime? PlayerSince, string? Properties, string TitleId);

/// <summary>Reads an archive file back with Parquet.Net, by column name, as a query engine would.</summary>
public static class ArchivedRows
{
    public static async Task<(ParquetSchema Schema, List<Row> Rows)> ReadAsync(byte[] file)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(file));
        var fields = reader.Schema.GetDataFields().ToDictionary(f => f.Name);
        var rows = new List<Row>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            var ids = new string[count];
            var names = new string[count];
            var times = new DateTime[count];
            var players = new string[count];
            var sessions = new string[count];
            var sinces = new DateTime?[count];
            var properties = new string[count];
            var titles = new string[count];
            await group.ReadAsync(fields["id"], ids);
            await group.ReadAsync(fields["name"], names);
            await group.ReadAsync<DateTime>(fields["time"], times);
            await group.ReadAsync(fields["player_id"], players);
            await group.ReadAsync(fields["session_id"], sessions);
            await group.ReadAsync<DateTime>(fields["player_since"], sinces);
            await group.ReadAsync(fields["properties"], properties);
            await group.ReadAsync(fields["title_id"], titles);
            for (var i = 0; i < count; i++)
            {
                rows.Add(new Row(ids[i], names[i], times[i], players[i], sessions[i], sinces[i], properties[i], titles[i]));
            }
        }

        return (reader.Schema, rows);
    }
}
