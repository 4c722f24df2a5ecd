using Amazon.DynamoDBv2.Model;
using GameBackend.Api.Tests;
using GameBackend.Stores.DynamoDb.Tests;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>The api function: everything Api maps, over DynamoDB Local, and nothing of the other two functions.</summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed class ApiFunctionTests(DynamoDbLocalFixture dynamo)
{
    [Fact]
    public async Task Health_and_readiness_answer_with_the_store_reachable()
    {
        await using var api = new AwsHostFactory(dynamo, "api", await dynamo.CreateTableAsync());
        var client = api.CreateClient();
        await client.GetAsync("/healthz").OkAsync();
        await client.GetAsync("/readyz").OkAsync();
    }

    [Fact]
    public async Task Readiness_fails_when_the_table_does_not_exist()
    {
        await using var api = new AwsHostFactory(dynamo, "api", "gamebackend-missing-" + Guid.NewGuid().ToString("N"));
        var client = api.CreateClient();
        await client.GetAsync("/healthz").OkAsync();
        await client.GetAsync("/readyz").AssertProblemAsync(503, "not_ready");
    }

    [Fact]
    public async Task A_player_signs_in_and_reads_the_profile_which_lives_in_the_table()
    {
        var table = await dynamo.CreateTableAsync();
        await using var api = new AwsHostFactory(dynamo, "api", table);
        var title = await api.CreateTitleAsync();
        var client = api.CreateClient();

        var session = await client.SignInDeviceAsync(title);
        var playerId = session.PlayerId;
        var profile = await client.SendAsync(HttpMethod.Get, "/v1/profile", accessToken: session.AccessToken).OkAsync();
        Assert.Equal(playerId, profile.GetProperty("playerId").GetString());

        // Stored in DynamoDB, under partition keys that carry the title id.
        var scan = await dynamo.Client.ScanAsync(new ScanRequest { TableName = table });
        var titleItems = scan.Items.Where(item => item["pk"].S.Contains(title.Id, StringComparison.Ordinal)).ToList();
        Assert.Contains(titleItems, item => item["pk"].S.Contains(playerId, StringComparison.Ordinal) || item["sk"].S.Contains(playerId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_api_function_does_not_take_pass_through_events()
    {
        await using var api = new AwsHostFactory(dynamo, "api", await dynamo.CreateTableAsync());
        var client = api.CreateClient();
        await client.PostEventAsync(LambdaEvents.Scheduled(DateTimeOffset.UtcNow), 404, "not_found");
    }
}
