using System.Text.RegularExpressions;
using GameBackend.Api.Tests;
using GameBackend.Stores.DynamoDb.Tests;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>The operator's create-title command makes a title the API then serves.</summary>
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

    [Theory]
    [InlineData("create-title")]
    [InlineData("create-title", " ")]
    [InlineData("create-title", "Game", "galactic")]
    public async Task Bad_arguments_print_usage_and_create_nothing(params string[] args)
    {
        await using var api = new AwsHostFactory(dynamo, "api", dynamo.SharedTable);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(2, await TitleCommand.RunAsync(api.Services, args, stdout, stderr));
        Assert.Empty(stdout.ToString());
        Assert.NotEmpty(stderr.ToString());
    }
}
