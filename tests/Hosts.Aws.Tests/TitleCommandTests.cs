using System.Text.RegularExpressions;
using GameBackend.Api.Admin;
using GameBackend.Api.Tests;
using GameBackend.Stores.DynamoDb.Tests;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>
/// The operator's create-title command, run by Hosts.Aws with its own composition (DynamoDB Local), makes a title the API
/// then serves. Its argument checks are tested once, in Api.Tests/Admin/TitleCommandTests.
/// </summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed partial class TitleCommandTests(DynamoDbLocalFixture dynamo)
{
    [GeneratedRegex("^titleId=(?<title>[0-9a-f]{32}) clientKey=(?<client>\\S+) serverKey=(?<server>\\S+)$")]
    private static partial Regex CreatedLine();

    [Fact]
    public async Task A_created_title_signs_players_in_and_takes_its_server_key()
    {
        await using var api = new AwsHostFactory(dynamo, "api", await dynamo.CreateTableAsync());
        var client = api.CreateClient();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await TitleCommand.RunAsync(api.Services, ["create-title", "Space Game", "shared"], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        var line = CreatedLine().Match(stdout.ToString().Trim());
        Assert.True(line.Success, stdout.ToString());
        var title = new TestTitle(line.Groups["title"].Value, line.Groups["client"].Value, line.Groups["server"].Value);
        await client.SignInDeviceAsync(title);
        await client.SendAsync(HttpMethod.Get, "/v1/admin/title/settings", serverKey: title.ServerKey).OkAsync();
    }
}
