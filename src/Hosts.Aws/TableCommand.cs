using Amazon.DynamoDBv2;
using GameBackend.Stores.DynamoDb;
using Microsoft.Extensions.Options;

namespace GameBackend.Hosts.Aws;

/// <summary>
/// <c>create-table</c>: creates the configured table if it is missing (on-demand, TTL on), for DynamoDB Local in
/// development and benchmarks. In AWS the template creates the table, with encryption and point-in-time recovery.
/// </summary>
internal static class TableCommand
{
    public const string Name = "create-table";

    public static async Task<int> RunAsync(IServiceProvider services, TextWriter stdout)
    {
        var table = services.GetRequiredService<IOptions<AwsHostOptions>>().Value.DynamoDb.TableName;
        await DynamoDbDocumentTable.CreateIfMissingAsync(services.GetRequiredService<IAmazonDynamoDB>(), table);
        await stdout.WriteLineAsync($"table={table}");
        return 0;
    }
}
