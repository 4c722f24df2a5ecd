using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using GameBackend.Core.Analytics;
using GameBackend.Core.Events;
using GameBackend.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>
/// The three triggers as the Functions host drives a custom handler: the player API's requests arrive forwarded as they
/// are (routes are the Api's own), the timer and the Kafka trigger arrive as <c>POST /{function}</c> with
/// <c>{ Data, Metadata }</c> and must answer <c>{ Outputs, Logs, ReturnValue }</c>, with a non-2xx status when they failed.
/// </summary>
[Collection(AzureServersCollection.Name)]
public sealed class CustomHandlerContractTests
{
    private const string Topic = "gamebackend-events";
    private readonly AzureServers _servers;

    public CustomHandlerContractTests(AzureServers servers) => _servers = servers;

    [Fact]
    public async Task Forwarded_requests_keep_the_Api_routes_sign_in_and_read_the_profile()
    {
        await using var host = new AzureHostFactory(_servers);
        var title = await host.CreateTitleAsync();
        var client = host.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
        var token = await SignInAsync(client, title, "forwarded-device");
        using var profile = new HttpRequestMessage(HttpMethod.Get, "/v1/profile");
        profile.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // The Functions host adds these to every forwarded request; they change nothing.
        profile.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        profile.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.300.0");
        var response = await client.SendAsync(profile);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Timer_invocation_ticks_every_queue_and_forms_the_match_in_the_store()
    {
        await using var host = new AzureHostFactory(_servers);
        var title = await host.CreateTitleAsync();
        var client = host.CreateClient();
        await SendAsync(client, HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":1}""", HttpStatusCode.OK, serverKey: title.ServerKey);
        var tickets = new List<(string Token, string TicketId)>();
        for (var i = 0; i < 2; i++)
        {
            var token = await SignInAsync(client, title, $"timer-device-{i}");
            var ticket = await SendAsync(client, HttpMethod.Post, "/v1/matchmaking/queues/duel/tickets", "{}", HttpStatusCode.Created, token: token);
            tickets.Add((token, ticket.GetProperty("ticketId").GetString()!));
        }

        var response = await client.PostAsync("/" + AzureFunctionNames.MatchmakingTick, Payloads.Json(Payloads.Timer(DateTimeOffset.UtcNow)));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = Payloads.Parse(body);
        Assert.Equal(JsonValueKind.Object, answer.GetProperty("Outputs").ValueKind);
        Assert.Contains(answer.GetProperty("Logs").EnumerateArray(), l => l.GetString()!.Contains("1 matches formed", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.String, answer.GetProperty("ReturnValue").ValueKind);

        // The effect, read back through the API from the store: both tickets are in one match.
        var matchIds = new HashSet<string>();
        foreach (var (token, ticketId) in tickets)
        {
            var ticket = await SendAsync(client, HttpMethod.Get, $"/v1/matchmaking/queues/duel/tickets/{ticketId}", null, HttpStatusCode.OK, token: token);
            Assert.Equal("matched", ticket.GetProperty("status").GetString());
            matchIds.Add(ticket.GetProperty("assignment").GetProperty("matchId").GetString()!);
        }

        Assert.Single(matchIds);
    }

    [Fact]
    public async Task A_past_due_timer_as_a_string_is_read_too()
    {
        await using var host = new AzureHostFactory(_servers);
        var timer = Payloads.Parse(Payloads.Timer(DateTimeOffset.UtcNow, isPastDue: true)).GetProperty("Data").GetProperty("timer").GetRawText();
        var body = "{\"Data\":{\"timer\":" + JsonSerializer.Serialize(timer) + "},\"Metadata\":{}}";
        var response = await host.CreateClient().PostAsync("/" + AzureFunctionNames.MatchmakingTick, Payloads.Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("(past due)", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"Data":{},"Metadata":{}}""")]
    [InlineData("""{"Data":{"timer":[1,2]},"Metadata":{}}""")]
    public async Task A_timer_invocation_without_a_timer_value_fails_with_a_log(string body)
    {
        await using var host = new AzureHostFactory(_servers);
        var response = await host.CreateClient().PostAsync("/" + AzureFunctionNames.MatchmakingTick, Payloads.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(Payloads.Parse(await response.Content.ReadAsStringAsync()).GetProperty("Logs").EnumerateArray());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Kafka_batch_reaches_the_ingest_handler_as_the_raw_records(bool eventsAsArray, bool recordsAsObjects)
    {
        var handler = new RecordingHandler();
        await using var host = new AzureHostFactory(_servers, services => services.AddSingleton<IEventRecordHandler>(handler));
        var events = Enumerable.Range(0, 3).Select(i => Event("title-a", $"player-{i}", $"event-{i}")).ToList();
        var records = events.Select((e, i) => Payloads.Record(Topic, i % 2, 100 + i, e)).ToList();

        var response = await host.CreateClient().PostAsync("/" + AzureFunctionNames.AnalyticsIngest,
            Payloads.Json(Payloads.KafkaBatch(records, eventsAsArray, recordsAsObjects)));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("3 records, 3 applied", body, StringComparison.Ordinal);

        var batch = Assert.Single(handler.Batches);
        Assert.Equal(3, batch.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(Topic, batch[i].Topic);
            Assert.Equal(i % 2, batch[i].Partition);
            Assert.Equal(100 + i, batch[i].Offset);
            Assert.Equal(EventWire.Key(events[i]), batch[i].Key.ToArray());
            Assert.Equal(EventWire.Encode(events[i]), batch[i].Value.ToArray());
        }
    }

    [Fact]
    public async Task A_record_that_is_not_an_event_is_passed_on_for_the_handler_to_count()
    {
        var handler = new RecordingHandler();
        await using var host = new AzureHostFactory(_servers, services => services.AddSingleton<IEventRecordHandler>(handler));
        var records = new[] { new Payloads.KafkaRecord(Topic, 0, 7, null, "not an event", DateTimeOffset.UtcNow) };

        var response = await host.CreateClient().PostAsync("/" + AzureFunctionNames.AnalyticsIngest, Payloads.Json(Payloads.KafkaBatch(records)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(Assert.Single(handler.Batches));
        Assert.Equal("not an event", Encoding.UTF8.GetString(record.Value.Span));
        Assert.True(record.Key.IsEmpty);
    }

    [Fact]
    public async Task A_failed_batch_fails_the_invocation()
    {
        var handler = new RecordingHandler { Fail = true };
        await using var host = new AzureHostFactory(_servers, services => services.AddSingleton<IEventRecordHandler>(handler));
        var records = new[] { Payloads.Record(Topic, 0, 1, Event("title-a", "player-1", "event-1")) };

        var response = await host.CreateClient().PostAsync("/" + AzureFunctionNames.AnalyticsIngest, Payloads.Json(Payloads.KafkaBatch(records)));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var logs = Payloads.Parse(await response.Content.ReadAsStringAsync()).GetProperty("Logs");
        Assert.Contains("not committed", logs[0].GetString(), StringComparison.Ordinal);
        Assert.Single(handler.Batches);
    }

    [Theory]
    [InlineData("""{"Data":{},"Metadata":{}}""")]
    [InlineData("""{"Data":{"events":"[\"base64==\"]"},"Metadata":{}}""")]
    [InlineData("""{"Data":{"events":"{}"},"Metadata":{}}""")]
    [InlineData("""{"Data":{"events":[{"Value":"x"}]},"Metadata":{}}""")]
    [InlineData("""{"Data":{"events":[7]},"Metadata":{}}""")]
    public async Task A_batch_of_another_shape_fails_the_invocation_instead_of_being_skipped(string body)
    {
        var handler = new RecordingHandler();
        await using var host = new AzureHostFactory(_servers, services => services.AddSingleton<IEventRecordHandler>(handler));
        var response = await host.CreateClient().PostAsync("/" + AzureFunctionNames.AnalyticsIngest, Payloads.Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(handler.Batches);
    }

    [Fact]
    public async Task Ingest_through_Core_stores_the_rollups_in_Cosmos_and_a_redelivered_batch_changes_nothing()
    {
        await using var host = new AzureHostFactory(_servers);
        var title = await host.CreateTitleAsync();
        var events = Enumerable.Range(0, 4).Select(i => Event(title.Id, $"player-{i % 3}", Guid.NewGuid().ToString("N"))).ToList();
        var records = events.Select((e, i) => Payloads.Record(Topic, 0, 500 + i, e)).ToList();
        var client = host.CreateClient();

        var first = await client.PostAsync("/" + AzureFunctionNames.AnalyticsIngest, Payloads.Json(Payloads.KafkaBatch(records)));
        Assert.Contains("4 records, 4 applied", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The same batch again (the trigger retried after an answer that never reached it): nothing is counted twice.
        var again = await client.PostAsync("/" + AzureFunctionNames.AnalyticsIngest, Payloads.Json(Payloads.KafkaBatch(records)));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("4 records, 0 applied", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Read back from the Cosmos test server through Core's queries.
        var today = DateOnly.FromDateTime(events[0].Time.UtcDateTime);
        var days = await new AnalyticsQueries(host.Get<IDocumentStore>(), TimeProvider.System).GetDaysAsync(title.Id, today, today);
        var day = Assert.Single(days.Value);
        Assert.Equal(3, day.Dau);
        Assert.Equal(4, day.Events);
        Assert.Equal(4, day.EventsByName[BackendEventNames.SignedIn]);
    }

    [Fact]
    public async Task With_the_templates_archive_settings_an_ingested_batch_is_archived_as_parquet_in_blob_storage()
    {
        var container = await _servers.Azurite.CreateContainerAsync();
        await using var host = new AzureHostFactory(_servers, archiveContainer: container.Name);
        var title = await host.CreateTitleAsync();
        var events = Enumerable.Range(0, 3).Select(i => Event(title.Id, $"player-{i}", Guid.NewGuid().ToString("N"))).ToList();
        var records = events.Select((e, i) => Payloads.Record(Topic, 0, 900 + i, e)).ToList();

        var response = await host.CreateClient().PostAsync("/" + AzureFunctionNames.AnalyticsIngest, Payloads.Json(Payloads.KafkaBatch(records)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var when = events[0].Time.UtcDateTime;
        var prefix = FormattableString.Invariant($"events/title={title.Id}/date={when:yyyy-MM-dd}/hour={when:HH}/");
        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            blobs.Add(blob.Name);
        }

        var name = Assert.Single(blobs);
        Assert.EndsWith(".parquet", name, StringComparison.Ordinal);
        var content = (await container.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToArray();
        Assert.Equal("PAR1"u8.ToArray(), content[..4]);
        Assert.Equal("PAR1"u8.ToArray(), content[^4..]);
    }

    internal static BackendEvent Event(string titleId, string playerId, string id) =>
        new(titleId, id, BackendEventNames.SignedIn, DateTimeOffset.UtcNow.AddMinutes(-1), playerId, null, null, DateTimeOffset.UtcNow.AddDays(-3));

    internal static async Task<string> SignInAsync(HttpClient client, TestTitle title, string deviceId)
    {
        var signIn = await SendAsync(client, HttpMethod.Post, "/v1/auth/device", $$"""{"deviceId":"{{deviceId}}"}""", HttpStatusCode.OK, clientKey: title.ClientKey);
        return signIn.GetProperty("accessToken").GetString()!;
    }

    internal static async Task<JsonElement> SendAsync(
        HttpClient client, HttpMethod method, string path, string? json, HttpStatusCode expected, string? token = null, string? clientKey = null, string? serverKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (clientKey is not null)
        {
            request.Headers.Add("X-Client-Key", clientKey);
        }

        if (serverKey is not null)
        {
            request.Headers.Add("X-Server-Key", serverKey);
        }

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {body}");
        return body.Length == 0 ? default : Payloads.Parse(body);
    }

    /// <summary>Stands in for Core's ingest handler: records what it was given, applies everything, or throws when told to.</summary>
    private sealed class RecordingHandler : IEventRecordHandler
    {
        public ConcurrentQueue<IReadOnlyList<EventRecord>> Batches { get; } = new();

        public bool Fail { get; init; }

        public Task<IngestBatchReport> HandleAsync(IReadOnlyList<EventRecord> records, CancellationToken cancellationToken = default)
        {
            Batches.Enqueue([.. records.Select(r => r with { Key = r.Key.ToArray(), Value = r.Value.ToArray() })]);
            if (Fail)
            {
                throw new InvalidOperationException("the rollup store is unavailable");
            }

            return Task.FromResult(new IngestBatchReport(records.Count, records.Count, 0, 0));
        }
    }
}
