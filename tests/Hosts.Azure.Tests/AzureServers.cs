using GameBackend.Archive.Tests.Blob;
using GameBackend.Kafka.Tests;
using GameBackend.Redis.Tests;
using GameBackend.Stores.Cosmos.Tests;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>
/// The servers the Azure host needs, started once for the whole assembly: redis-server (rank index), cosmosdb-server
/// (document store), a Kafka-protocol broker (librdkafka's mock cluster, in process) for the event bus, and Azurite
/// (Blob Storage, the archive). eng/test.sh installs all but the broker; a missing one fails the tests with a message saying so.
/// </summary>
public sealed class AzureServers : IAsyncLifetime
{
    /// <summary>The Cosmos test server checks no signature; any base64 key will do.</summary>
    public static readonly string AnyCosmosKey = Convert.ToBase64String(new byte[64]);

    public RedisServerFixture Redis { get; } = new();

    public CosmosServerFixture Cosmos { get; } = new();

    public MockKafkaCluster Kafka { get; } = new(brokers: 3);

    public AzuriteFixture Azurite { get; } = new();

    /// <summary>The Cosmos endpoint for a separate handler process (plain HTTP, corrections included).</summary>
    public CosmosTestGateway CosmosGateway { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Task.WhenAll(Redis.InitializeAsync(), Cosmos.InitializeAsync(), Azurite.InitializeAsync());
        CosmosGateway = await CosmosTestGateway.StartAsync(Cosmos);
    }

    public async Task DisposeAsync()
    {
        if (CosmosGateway is not null)
        {
            await CosmosGateway.DisposeAsync();
        }

        await Cosmos.DisposeAsync();
        await Redis.DisposeAsync();
        await Azurite.DisposeAsync();
        Kafka.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class AzureServersCollection : ICollectionFixture<AzureServers>
{
    public const string Name = "azure-servers";
}
