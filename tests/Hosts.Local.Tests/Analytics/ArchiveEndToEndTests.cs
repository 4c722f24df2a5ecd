using System.Diagnostics;
using System.Net;
using GameBackend.Archive.Parquet;
using Parquet;
using static GameBackend.Hosts.Local.Tests.HostHttp;

namespace GameBackend.Hosts.Local.Tests.Analytics;

/// <summary>
/// The real Hosts.Local process: an event that goes through the in-process bus and the ingest handler is archived as a
/// Parquet file under the data folder's archive, in its title's partition, and reads back with Parquet.Net.
/// </summary>
public sealed class ArchiveEndToEndTests : IDisposable
{
    private readonly string _dataPath = Directory.CreateTempSubdirectory("gamebackend-archive-tests-").FullName;

    [Fact]
    public async Task A_match_formed_in_the_process_is_archived_as_a_parquet_row_in_its_title_partition()
    {
        await using var host = await LocalHostProcess.StartAsync(_dataPath);
        var (titleId, clientKey, serverKey) = DefaultTitle(host);
        await SendAsync(host.Client, HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":1}""", HttpStatusCode.OK, serverKey: serverKey);
        var players = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            var signIn = await SendAsync(host.Client, HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"archive-{{i}}"}""", HttpStatusCode.OK, clientKey: clientKey);
            await SendAsync(host.Client, HttpMethod.Post, "/v1/matchmaking/queues/duel/tickets", "{}", HttpStatusCode.Created, signIn.GetProperty("accessToken").GetString());
        }

        var titleFolder = Path.Combine(_dataPath, "archive", "events", "title=" + titleId);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            foreach (var file in Directory.Exists(titleFolder) ? Directory.GetFiles(titleFolder, "*.parquet", SearchOption.AllDirectories) : [])
            {
                var rows = await ReadNamesAndTitlesAsync(file);
                if (rows.Contains(("match_formed", titleId)))
                {
                    var hour = Path.GetDirectoryName(Path.GetRelativePath(titleFolder, file))!;
                    Assert.Matches(@"^date=\d{4}-\d{2}-\d{2}/hour=\d{2}$", hour.Replace(Path.DirectorySeparatorChar, '/'));
                    Assert.All(rows, r => Assert.Equal(titleId, r.TitleId));
                    return;
                }
            }

            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(30), "no match_formed row archived within 30 s:\n" + host.Output);
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static async Task<List<(string Name, string TitleId)>> ReadNamesAndTitlesAsync(string file)
    {
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(await File.ReadAllBytesAsync(file)));
        var rows = new List<(string, string)>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var names = new string[group.RowCount];
            var titles = new string[group.RowCount];
            await group.ReadAsync(EventParquetFile.Name, names);
            await group.ReadAsync(EventParquetFile.TitleId, titles);
            rows.AddRange(names.Zip(titles));
        }

        return rows;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataPath, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
