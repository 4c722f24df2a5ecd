using System.Net;
using GameBackend.Api.Infrastructure;
using GameBackend.Api.Tests;
using GameBackend.Stores.DynamoDb.Tests;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>
/// The tick function driven as Lambda Web Adapter drives it: EventBridge's scheduled event POSTed to /events. Players
/// queue through the api function; the tick function, another process over the same table, matches them.
/// </summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed class TickFunctionTests(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public async Task A_scheduled_event_ticks_every_queue_and_the_players_see_their_match()
    {
        var table = await dynamo.CreateTableAsync();
        await using var api = new AwsHostFactory(dynamo, "api", table);
        await using var tick = new AwsHostFactory(dynamo, "tick", table);
        var title = await api.CreateTitleAsync();
        var client = api.CreateClient();
        await client.SendAsync(HttpMethod.Put, "/v1/admin/matchmaking/queues/duel", """{"teams":2,"teamSize":1}""", serverKey: title.ServerKey).OkAsync();

        var tickets = new List<(string Token, string TicketId)>();
        for (var i = 0; i < 2; i++)
        {
            var token = (await client.SignInDeviceAsync(title)).AccessToken;
            using var created = await client.SendAsync(HttpMethod.Post, "/v1/matchmaking/queues/duel/tickets", "{}", token);
            var ticket = await created.ReadJsonAsync(HttpStatusCode.Created);
            tickets.Add((token, ticket.GetProperty("ticketId").GetString()!));
        }

        var report = await tick.CreateClient().PostEventAsync(LambdaEvents.Scheduled(DateTimeOffset.UtcNow), HttpStatusCode.OK);
        Assert.Equal(1, report.GetProperty("ticks").GetInt32());
        Assert.Equal(1, report.GetProperty("matchesFormed").GetInt32());

        var matchIds = new HashSet<string>();
        foreach (var (token, ticketId) in tickets)
        {
            var ticket = await client.SendAsync(HttpMethod.Get, $"/v1/matchmaking/queues/duel/tickets/{ticketId}", accessToken: token).OkAsync();
            Assert.Equal("matched", ticket.GetProperty("status").GetString());
            Assert.Equal("127.0.0.1:7777", ticket.GetProperty("assignment").GetProperty("relayEndpoint").GetString());
            matchIds.Add(ticket.GetProperty("assignment").GetProperty("matchId").GetString()!);
        }

        Assert.Single(matchIds);

        // A second scheduled event finds nothing left to match.
        var again = await tick.CreateClient().PostEventAsync(LambdaEvents.Scheduled(DateTimeOffset.UtcNow), HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("matchesFormed").GetInt32());
    }

    [Fact]
    public async Task One_invocation_keeps_ticking_for_the_configured_time()
    {
        await using var tick = new AwsHostFactory(dynamo, "tick", await dynamo.CreateTableAsync(), new Dictionary<string, string?>
        {
            ["GameBackend:Tick:RunSeconds"] = "2",
            ["GameBackend:Tick:IntervalSeconds"] = "0.25",
        });
        var report = await tick.CreateClient().PostEventAsync(LambdaEvents.Scheduled(DateTimeOffset.UtcNow), HttpStatusCode.OK);
        Assert.InRange(report.GetProperty("ticks").GetInt32(), 2, 9);
    }

    [Fact]
    public async Task A_failing_store_fails_the_invocation_with_a_5xx()
    {
        await using var tick = new AwsHostFactory(dynamo, "tick", "gamebackend-missing-" + Guid.NewGuid().ToString("N"));
        await tick.CreateClient().PostEventAsync(LambdaEvents.Scheduled(DateTimeOffset.UtcNow), 500, ApiErrorCodes.InternalError);
    }

    [Fact]
    public async Task Other_events_and_broken_json_are_refused_with_a_4xx()
    {
        await using var tick = new AwsHostFactory(dynamo, "tick", await dynamo.CreateTableAsync());
        var client = tick.CreateClient();
        await client.PostEventAsync(LambdaEvents.Kafka([]), 400, HostErrorCodes.UnsupportedEvent);
        await client.PostEventAsync("""{"detail-type":"EC2 Instance State-change Notification","source":"aws.ec2","detail":{}}""", 400, HostErrorCodes.UnsupportedEvent);
        await client.PostEventAsync("""{"detail-type":""", 400, ApiErrorCodes.InvalidJson);
    }

    [Fact]
    public async Task The_tick_function_does_not_serve_the_player_api()
    {
        await using var tick = new AwsHostFactory(dynamo, "tick", await dynamo.CreateTableAsync());
        var client = tick.CreateClient();
        await client.GetAsync("/healthz").OkAsync();
        await client.SendAsync(HttpMethod.Post, "/v1/auth/device", """{"deviceId":"device-1"}""", clientKey: "anything").AssertProblemAsync(404, "not_found");
        await client.GetAsync("/openapi/v1.json").AssertProblemAsync(404, "not_found");
    }
}
