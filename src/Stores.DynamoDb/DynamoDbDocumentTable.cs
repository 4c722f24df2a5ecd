using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace GameBackend.Stores.DynamoDb;

/// <summary>
/// Creates the store's table, for tests and local development against DynamoDB Local. Production tables
/// come from the deployment template (on-demand capacity, point-in-time recovery, encryption), which must
/// declare the same schema: <c>pk</c> (S) as partition key, <c>sk</c> (S) as sort key, TTL on <c>ttl</c>.
/// </summary>
public static class DynamoDbDocumentTable
{
    /// <summary>Creates the table (on-demand) unless it exists, waits until it is active, and turns TTL on.</summary>
    public static async Task CreateIfMissingAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        new DynamoDbDocumentStoreOptions(tableName).Validate();
        try
        {
            await client.CreateTableAsync(
                new CreateTableRequest
                {
                    TableName = tableName,
                    BillingMode = BillingMode.PAY_PER_REQUEST,
                    AttributeDefinitions =
                    [
                        new AttributeDefinition(DynamoDbItem.PartitionKey, ScalarAttributeType.S),
                        new AttributeDefinition(DynamoDbItem.SortKey, ScalarAttributeType.S),
                    ],
                    KeySchema =
                    [
                        new KeySchemaElement(DynamoDbItem.PartitionKey, KeyType.HASH),
                        new KeySchemaElement(DynamoDbItem.SortKey, KeyType.RANGE),
                    ],
                },
                cancellationToken);
        }
        catch (ResourceInUseException)
        {
            // It exists already (another test class or an earlier run); make sure it is usable below.
        }

        for (var attempt = 0; ; attempt++)
        {
            var table = await client.DescribeTableAsync(new DescribeTableRequest { TableName = tableName }, cancellationToken);
            if (table.Table.TableStatus == TableStatus.ACTIVE)
            {
                break;
            }

            if (attempt >= 600)
            {
                throw new TimeoutException($"Table {tableName} did not become active in time (status {table.Table.TableStatus}).");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        var timeToLive = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = tableName }, cancellationToken);
        if (timeToLive.TimeToLiveDescription?.TimeToLiveStatus != TimeToLiveStatus.ENABLED)
        {
            await client.UpdateTimeToLiveAsync(
                new UpdateTimeToLiveRequest
                {
                    TableName = tableName,
                    TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = DynamoDbItem.TimeToLive, Enabled = true },
                },
                cancellationToken);
        }
    }
}
