using System.Globalization;
using System.Net;
using GameBackend.Api.Infrastructure;
using GameBackend.Api.Tests;
using GameBackend.Core.Events;
using GameBackend.Stores.DynamoDb.Tests;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>
/// The ingest function with Core's real analytics handler, driven as Lambda's Kafka event source mapping drives it
/// (records base64 in the MSK event shape, POSTed to the pass-through path); its effects are read back through the api
/// function's analytics queries over the same DynamoDB Local table.
/// </summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed class IngestFunctionTests(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public async Task A_batch_is_stored_in_the_rollups_and_delivering_it_again_changes_nothing()
    {
        var table = await dynamo.CreateTableAsync();
        await using var api = new AwsHostFactory(dynamo, "api", table);
        await using var ingest = new AwsHostFactory(dynamo, "ingest", table);
        var title = await api.CreateTitleAsync();
        var now = DateTimeOffset.UtcNow;
        var events = new[]
        {
            new BackendEvent(title.Id, Guid.CreateVersion7().ToString("N"), "level_up", now, "player-a", PlayerSince: now.AddDays(-3)),
            new BackendEvent(title.Id, Guid.CreateVersion7().ToString("N"), "level_up", now, "player-b", PlayerSince: now.AddDays(-3)),
            new BackendEvent(title.Id, Guid.CreateVersion7().ToString("N"), "shop_opened", now, "player-a", PlayerSince: now.AddDays(-3)),
        };
        var batch = LambdaEvents.Kafka(events.Select((e, i) => new LambdaEvents.Record("gamebackend-events", i % 2, 100 + i, EventWire.Key(e), EventWire.Encode(e))));
        var client = ingest.CreateClient();

        var first = await client.PostEventAsync(batch, HttpStatusCode.OK);
        Assert.Equal(3, first.GetProperty("records").GetInt32());
        Assert.Equal(3, first.GetProperty("applied").GetInt32());

        var day = await DayAsync(api, title, now);
        Assert.Equal(2, day.GetProperty("dau").GetInt64());
        Assert.Equal(3, day.GetProperty("events").GetInt64());
        Assert.Equal(2, day.GetProperty("eventsByName").GetProperty("level_up").GetInt64());

        // Lambda delivers a batch again when an invocation failed after storing (a timeout, a lost answer).
        var again = await client.PostEventAsync(batch, HttpStatusCode.OK);
        Assert.Equal(0, again.GetProperty("applied").GetInt32());
        var unchanged = await DayAsync(api, title, now);
        Assert.Equal(day.GetRawText(), unchanged.GetRawText());
    }

    [Fact]
    public async Task A_batch_that_cannot_be_stored_fails_the_invocation()
    {
        await using var ingest = new AwsHostFactory(dynamo, "ingest", "gamebackend-missing-" + Guid.NewGuid().ToString("N"));
        var e = new BackendEvent("0123456789abcdef0123456789abcdef", Guid.CreateVersion7().ToString("N"), "level_up", DateTimeOffset.UtcNow, "player-a");
        var batch = LambdaEvents.Kafka([new LambdaEvents.Record("gamebackend-events", 0, 1, EventWire.Key(e), EventWire.Encode(e))]);
        await ingest.CreateClient().PostEventAsync(batch, 500, ApiErrorCodes.InternalError);
    }

    private static async Task<System.Text.Json.JsonElement> DayAsync(AwsHostFactory api, TestTitle title, DateTimeOffset when)
    {
        var date = when.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var days = await api.CreateClient().SendAsync(HttpMethod.Get, $"/v1/admin/analytics/days?from={date}&to={date}", serverKey: title.ServerKey).OkAsync();
        return Assert.Single(days.GetProperty("days").EnumerateArray());
    }
}
