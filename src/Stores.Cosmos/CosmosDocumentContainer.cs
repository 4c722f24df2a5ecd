using Microsoft.Azure.Cosmos;

namespace GameBackend.Stores.Cosmos;

/// <summary>
/// Creates the store's database and container, for tests and local development. Production containers come from the
/// deployment template, which must declare the same: partition key <c>/pk</c> with large partition keys (hash v2),
/// default TTL -1 (TTL on, items expire only when they say so), and this indexing policy.
/// </summary>
public static class CosmosDocumentContainer
{
    /// <summary>
    /// Only what queries filter or sort on is indexed: <c>pk</c>, <c>skHex</c> and <c>exp</c>. Bodies (up to 467 KB of
    /// base64) and the rest are excluded, so a write pays for three index terms instead of the whole document.
    /// </summary>
    public static ContainerProperties Properties(string containerName)
    {
        var properties = new ContainerProperties(containerName, CosmosItem.PartitionKeyPath)
        {
            PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V2,
            DefaultTimeToLive = -1,
        };
        properties.IndexingPolicy.IncludedPaths.Clear();
        properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = "/pk/?" });
        properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = "/skHex/?" });
        properties.IndexingPolicy.IncludedPaths.Add(new IncludedPath { Path = "/exp/?" });
        properties.IndexingPolicy.ExcludedPaths.Clear();
        properties.IndexingPolicy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return properties;
    }

    /// <summary>Creates the database and the container unless they exist; returns the container.</summary>
    public static async Task<Container> CreateIfMissingAsync(CosmosClient client, string databaseName, string containerName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        new CosmosDocumentStoreOptions { Database = databaseName, Container = containerName }.ValidateContainer();
        Database database = await client.CreateDatabaseIfNotExistsAsync(databaseName, cancellationToken: cancellationToken);
        Container container = await database.CreateContainerIfNotExistsAsync(Properties(containerName), cancellationToken: cancellationToken);
        return container;
    }
}
