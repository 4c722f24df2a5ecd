using System.Diagnostics;
using System.Net;
using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Confluent.Kafka;
using GameBackend.Archive.Parquet;
using GameBackend.Archive.Tests.Parquet;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using GameBackend.Core.Storage;
using GameBackend.Hosts.Aws.Tests;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>
/// One cell's day on Hosts.Azure, every trigger as the Functions host delivers it: players sign in and play through the
/// forwarded API (Cosmos test server, ranks in redis-server), the timer forms their match, their events go to Kafka
/// through the event bus (librdkafka's mock cluster), and the Kafka trigger's batch (read from that topic and shaped as
/// the Kafka extension shapes it) is archived as Parquet in Blob Storage (Azurite, configured as the template configures
/// it) and lands as rollups in Cosmos.
/// </summary>
[Collection(AzureServersCollection.Name)]
public sealed class EndToEndTests
{
    private readonly AzureServers _servers;

    public EndToEndTests(AzureServers servers) => _servers = servers;

    [Fact]
    public async Task Players_sign_in_rank_get_matched_by_the_timer_and_their_events_reach_the_archive_and_the_rollups_through_Kafka()
    {
        await OneUtcDay.WaitUntilAtLeastLeftAsync(TimeSpan.FromMinutes(2));
        var archive = await _servers.Azurite.CreateContainerAsync();
        await using var host = new AzureHostFactory(_servers, archiveContainer: archive.Name);
        var title = await host.CreateTitleAsync();
        var client = host.CreateClient();
        await CustomHandlerContractTests.SendAsync(client, HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":1}""", HttpStatusCode.OK, serverKey: title.ServerKey);
        await CustomHandlerContractTests.SendAsync(client, HttpMethod.Post, "/v1/admin/leaderboards", """{"id":"score"}""", HttpStatusCode.Created, serverKey: title.ServerKey);

        var tickets = new List<(string Token, string TicketId)>();
        for (var i = 0; i < 2; i++)
        {
            var token = await CustomHandlerContractTests.SignInAsync(client, title, $"e2e-device-{i}");
            await CustomHandlerContractTests.SendAsync(client, HttpMethod.Post, "/v1/leaderboards/score/records", $$"""{"score":{{100 + i}}}""", HttpStatusCode.OK, token: token);
            var ticket = await CustomHandlerContractTests.SendAsync(client, HttpMethod.Post, "/v1/matchmaking/queues/duel/tickets", "{}", HttpStatusCode.Created, token: token);
            tickets.Add((token, ticket.GetProperty("ticketId").GetString()!));
        }

        // Ranks come from Redis.
        var top = await CustomHandlerContractTests.SendAsync(client, HttpMethod.Get, "/v1/leaderboards/score/records", null, HttpStatusCode.OK, token: tickets[0].Token);
        Assert.Equal([101.0, 100.0], top.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("score").GetDouble()));

        // The timer.
        var tick = await client.PostAsync("/" + AzureFunctionNames.MatchmakingTick, Payloads.Json(Payloads.Timer(DateTimeOffset.UtcNow)));
        Assert.Equal(HttpStatusCode.OK, tick.StatusCode);
        var ticket0 = await CustomHandlerContractTests.SendAsync(client, HttpMethod.Get, $"/v1/matchmaking/queues/duel/tickets/{tickets[0].TicketId}", null, HttpStatusCode.OK, token: tickets[0].Token);
        Assert.Equal("matched", ticket0.GetProperty("status").GetString());

        // The Kafka trigger: what the event bus published, read back from the broker and delivered as one batch.
        var records = ReadTopic(host.EventTopic);
        var events = records.Select(r => EventWire.TryDecode(Encoding.UTF8.GetBytes(r.Value))).ToList();
        Assert.All(events, e => Assert.Equal(title.Id, e?.TitleId));
        Assert.Single(events, e => e!.Name == BackendEventNames.MatchFormed);
        var ingest = await client.PostAsync("/" + AzureFunctionNames.AnalyticsIngest, Payloads.Json(Payloads.KafkaBatch(records)));
        var body = await ingest.Content.ReadAsStringAsync();
        Assert.True(ingest.StatusCode == HttpStatusCode.OK, body);

        // The archive: every event of the batch, once, in Parquet under its title's date and hour (the events' own, UTC).
        var archived = new List<Row>();
        foreach (var hour in events.Select(e => ArchiveHour(e!.Time)).Distinct())
        {
            archived.AddRange(await ReadArchiveAsync(archive, FormattableString.Invariant($"{ArchiveLayout.TitlePrefix(title.Id)}date={hour:yyyy-MM-dd}/hour={hour:HH}/")));
        }

        Assert.Equal(events.Select(e => e!.Id).Order(StringComparer.Ordinal), archived.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.All(archived, r => Assert.Equal(title.Id, r.TitleId));
        Assert.Equal(events.Select(e => e!.Name).Order(StringComparer.Ordinal), archived.Select(r => r.Name).Order(StringComparer.Ordinal));

        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var days = await new AnalyticsQueries(host.Get<IDocumentStore>(), TimeProvider.System).GetDaysAsync(title.Id, today, today);
        var day = Assert.Single(days.Value);
        Assert.Equal(1, day.Matches);
        Assert.Equal(records.Count, day.Events);
        Assert.Equal(events.Where(e => e!.PlayerId is not null).Select(e => e!.PlayerId).Distinct().Count(), day.Dau);
    }

    private static DateTime ArchiveHour(DateTimeOffset time)
    {
        var utc = time.UtcDateTime;
        return new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);
    }

    /// <summary>The rows of every Parquet file under <paramref name="prefix"/> (at least one file must be there).</summary>
    private static async Task<List<Row>> ReadArchiveAsync(BlobContainerClient container, string prefix)
    {
        var rows = new List<Row>();
        var files = 0;
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            Assert.EndsWith(ArchiveLayout.FileExtension, blob.Name, StringComparison.Ordinal);
            var content = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
            rows.AddRange((await ArchivedRows.ReadAsync(content)).Rows);
            files++;
        }

        Assert.True(files > 0, $"no archive file under {prefix}");
        return rows;
    }

    /// <summary>Every record of the topic, as a consumer (the Kafka extension's) reads them.</summary>
    private List<Payloads.KafkaRecord> ReadTopic(string topic)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _servers.Kafka.BootstrapServers,
            GroupId = "e2e-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
        };
        using var consumer = new ConsumerBuilder<string?, string>(config).Build();
        consumer.Subscribe(topic);
        var records = new List<Payloads.KafkaRecord>();
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is null)
            {
                if (records.Count > 0)
                {
                    break;
                }

                continue;
            }

            records.Add(new Payloads.KafkaRecord(result.Topic, result.Partition.Value, result.Offset.Value, result.Message.Key, result.Message.Value, result.Message.Timestamp.UtcDateTime));
        }

        consumer.Close();
        Assert.True(records.Count > 0, $"no records on {topic}");
        return records;
    }
}
