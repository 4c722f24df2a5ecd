using GameBackend.Stores.DynamoDb.Tests;
using Microsoft.Extensions.Options;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>A misconfigured function fails at start, not on its first request.</summary>
[Collection(DynamoDbLocalCollection.Name)]
public sealed class StartupTests(DynamoDbLocalFixture dynamo)
{
    [Theory]
    [InlineData("")]
    [InlineData("worker")]
    [InlineData("1")]
    public async Task An_unknown_function_does_not_start(string function)
    {
        await using var host = new AwsHostFactory(dynamo, function, dynamo.SharedTable);
        var failure = Assert.Throws<OptionsValidationException>(() => host.CreateClient());
        Assert.Contains("GameBackend:Function", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_table_name_does_not_start()
    {
        await using var host = new AwsHostFactory(dynamo, "api", "");
        var failure = Assert.Throws<OptionsValidationException>(() => host.CreateClient());
        Assert.Contains("GameBackend:DynamoDb:TableName", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tick_settings_out_of_range_do_not_start()
    {
        await using var host = new AwsHostFactory(dynamo, "tick", dynamo.SharedTable, new Dictionary<string, string?> { ["GameBackend:Tick:RunSeconds"] = "900" });
        var failure = Assert.Throws<OptionsValidationException>(() => host.CreateClient());
        Assert.Contains("GameBackend:Tick:RunSeconds", failure.Message, StringComparison.Ordinal);
    }
}
