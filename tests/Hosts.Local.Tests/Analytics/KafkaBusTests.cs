using System.Net;
using Confluent.Kafka;
using GameBackend.Kafka.Tests;
using static GameBackend.Hosts.Local.Tests.Analytics.AnalyticsEndToEndTests;
using static GameBackend.Hosts.Local.Tests.HostHttp;

namespace GameBackend.Hosts.Local.Tests.Analytics;

/// <summary>
/// Hosts.Local with <c>GameBackend:Kafka:BootstrapServers</c> set, against librdkafka's mock cluster started in this
/// test process: events go through Kafka instead of the in-process bus, and the host's consumer group feeds the
/// analytics ingest; a restarted host resumes after the group's committed offsets and counts nothing twice.
/// </summary>
public sealed class KafkaBusTests : IDisposable
{
    private const string Topic = "gamebackend-events";
    private const string Group = "gamebackend-analytics";
    private readonly string _dataPath = Directory.CreateTempSubdirectory("gamebackend-kafka-host-tests-").FullName;
    private readonly MockKafkaCluster _cluster = new(brokers: 3);

    [Fact]
    public async Task With_bootstrap_servers_set_events_go_through_Kafka_and_the_consumer_group_rolls_them_up()
    {
        string[] kafka =
        [
            $"--GameBackend:Kafka:BootstrapServers={_cluster.BootstrapServers}",

            // The mock cluster waits out a departed member's session before it rebalances; keep the restart short.
            "--GameBackend:Kafka:Settings:session.timeout.ms=6000",
            "--GameBackend:Kafka:Settings:heartbeat.interval.ms=500",
        ];
        string clientKey, serverKey;
        await using (var host = await LocalHostProcess.StartAsync(_dataPath, kafka))
        {
            (_, clientKey, serverKey) = DefaultTitle(host);
            await SendAsync(host.Client, HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":1}""", HttpStatusCode.OK, serverKey: serverKey);
            await PlayOneMatchAsync(host, clientKey, "first");
            await WaitForMatchesAsync(host, serverKey, 1);
            Assert.Contains(host.StdoutLines, l => l.Contains($"Kafka ingest consumer subscribed to {Topic} as group {Group}", StringComparison.Ordinal));

            // The match went through the topic, and the group commits every record it handles. The host keeps
            // publishing (relay heartbeats), so the check is that the commits reach what the topic held a moment ago.
            var afterFirst = ReadTopic();
            Assert.Contains(afterFirst, e => e.Name == "match_formed");
            await WaitForCommittedAsync(afterFirst.Count);
        }

        await using (var restarted = await LocalHostProcess.StartAsync(_dataPath, kafka))
        {
            await PlayOneMatchAsync(restarted, clientKey, "second");
            await WaitForMatchesAsync(restarted, serverKey, 2);

            // The restarted host resumed after the group's commits: both matches are on the topic once, and its
            // commits cover everything, records published before the restart included.
            var afterSecond = ReadTopic();
            Assert.Equal(2, afterSecond.Count(e => e.Name == "match_formed"));
            await WaitForCommittedAsync(afterSecond.Count);
        }
    }

    [Fact]
    public async Task With_the_analytics_consumer_off_the_host_only_publishes_and_a_host_started_later_consumes_the_backlog()
    {
        string[] kafka =
        [
            $"--GameBackend:Kafka:BootstrapServers={_cluster.BootstrapServers}",
            "--GameBackend:Kafka:Settings:session.timeout.ms=6000",
            "--GameBackend:Kafka:Settings:heartbeat.interval.ms=500",
        ];
        string serverKey;
        await using (var publisher = await LocalHostProcess.StartAsync(_dataPath, [.. kafka, "--GameBackend:AnalyticsConsumer=false"]))
        {
            (_, var clientKey, serverKey) = DefaultTitle(publisher);
            await SendAsync(publisher.Client, HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":1}""", HttpStatusCode.OK, serverKey: serverKey);
            await PlayOneMatchAsync(publisher, clientKey, "backlog");

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!ReadTopic().Any(e => e.Name == "match_formed"))
            {
                Assert.True(DateTime.UtcNow < deadline, "the match was not published within 30 s:\n" + publisher.Output);
                await Task.Delay(200);
            }

            // On the topic, and nobody consumed it: no consumer subscribed, no offset committed, nothing rolled up.
            await Task.Delay(TimeSpan.FromSeconds(1));
            Assert.DoesNotContain(publisher.StdoutLines, l => l.Contains("Kafka ingest consumer subscribed", StringComparison.Ordinal));
            Assert.Equal(0, CommittedRecords());
            var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var days = await SendAsync(publisher.Client, HttpMethod.Get, $"/v1/admin/analytics/days?from={today}&to={today}", null, HttpStatusCode.OK, serverKey: serverKey);
            Assert.All(days.GetProperty("days").EnumerateArray(), d => Assert.Equal(0, d.GetProperty("events").GetInt64()));
        }

        await using (var consumer = await LocalHostProcess.StartAsync(_dataPath, kafka))
        {
            await WaitForMatchesAsync(consumer, serverKey, 1);
        }
    }

    [Fact]
    public async Task The_analytics_consumer_cannot_be_turned_off_without_Kafka()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dataPath,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "GameBackend.Hosts.Local.dll"), "--urls", "http://127.0.0.1:0",
                     $"--GameBackend:DataPath={_dataPath}", "--GameBackend:Relay:Enabled=false", "--GameBackend:AnalyticsConsumer=false",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("GameBackend:AnalyticsConsumer=false needs GameBackend:Kafka:BootstrapServers", await stdout + await stderr, StringComparison.Ordinal);
    }

    private async Task WaitForCommittedAsync(long records)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        long committed;
        while ((committed = CommittedRecords()) < records && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(committed >= records, $"the group committed {committed} of the {records} records on the topic");
    }

    /// <summary>Every event on the topic, read from the start of each partition without joining the host's group.</summary>
    private List<Core.Events.BackendEvent> ReadTopic()
    {
        using var reader = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = "test-reader",
            EnableAutoCommit = false,
        }).Build();
        var events = new List<Core.Events.BackendEvent>();
        foreach (var (partition, high) in HighWatermarks(reader))
        {
            if (high == 0)
            {
                continue;
            }

            reader.Assign(new TopicPartitionOffset(Topic, partition, Offset.Beginning));
            for (var read = 0L; read < high;)
            {
                var result = reader.Consume(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException($"partition {partition}: {read} of {high} records read");
                events.Add(Core.Events.EventWire.TryDecode(result.Message.Value) ?? throw new InvalidOperationException("a record that is not an event"));
                read = result.Offset.Value + 1;
            }

            reader.Unassign();
        }

        return events;
    }

    private long CommittedRecords()
    {
        using var reader = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster.BootstrapServers,
            GroupId = Group,
            EnableAutoCommit = false,
        }).Build();
        var partitions = HighWatermarks(reader).Select(p => new TopicPartition(Topic, p.Partition)).ToList();
        return reader.Committed(partitions, TimeSpan.FromSeconds(10)).Sum(o => o.Offset == Offset.Unset ? 0 : o.Offset.Value);
    }

    private static List<(int Partition, long High)> HighWatermarks(IConsumer<byte[], byte[]> consumer)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        return admin.GetMetadata(Topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => (p.PartitionId, consumer.QueryWatermarkOffsets(new TopicPartition(Topic, p.PartitionId), TimeSpan.FromSeconds(10)).High.Value))
            .ToList();
    }

    public void Dispose()
    {
        _cluster.Dispose();
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
