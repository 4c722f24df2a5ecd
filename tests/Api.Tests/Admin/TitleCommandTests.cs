using System.Net;
using System.Text.RegularExpressions;
using GameBackend.Api.Admin;

namespace GameBackend.Api.Tests.Admin;

/// <summary>The operator's create-title command that every cloud host runs (Hosts.Aws and Hosts.Azure test their wiring).</summary>
[Collection(ApiCollection.Name)]
public sealed partial class TitleCommandTests(SharedApiFactory factory)
{
    [GeneratedRegex("^titleId=(?<title>[0-9a-f]{32}) clientKey=(?<client>\\S+) serverKey=(?<server>\\S+)$")]
    private static partial Regex CreatedLine();

    [Theory]
    [InlineData("dedicated")]
    [InlineData("Shared")]
    [InlineData("enterprise")]
    public async Task A_created_title_signs_players_in_and_takes_its_server_key(string cell)
    {
        using var client = factory.CreateClient();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await TitleCommand.RunAsync(factory.Services, [TitleCommand.Name, "Space Game", cell], stdout, stderr);

        Assert.True(exit == 0, stderr.ToString());
        var line = CreatedLine().Match(stdout.ToString().Trim());
        Assert.True(line.Success, stdout.ToString());
        var title = new TestTitle(line.Groups["title"].Value, line.Groups["client"].Value, line.Groups["server"].Value);
        await client.SignInDeviceAsync(title);
        using var settings = await client.SendAsync(HttpMethod.Get, "/v1/admin/title/settings", serverKey: title.ServerKey);
        await settings.ReadJsonAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("create-title")]
    [InlineData("create-title", " ")]
    [InlineData("create-title", "Game", "galactic")]
    [InlineData("create-title", "Game", "1")]
    [InlineData("create-title", "Game", "shared", "extra")]
    public async Task Bad_arguments_print_usage_and_create_nothing(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(2, await TitleCommand.RunAsync(factory.Services, args, stdout, stderr));
        Assert.Empty(stdout.ToString());
        Assert.NotEmpty(stderr.ToString());
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "create-title" }, true)]
    [InlineData(new[] { "--urls", "http://127.0.0.1:1" }, false)]
    public void Only_a_first_argument_of_create_title_asks_for_the_command(string[] args, bool expected) =>
        Assert.Equal(expected, TitleCommand.IsRequested(args));
}
