using GameBackend.Core.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace GameBackend.Stores.Cosmos.Tests;

/// <summary>The host's registration: options bound and validated at start-up, the client created on first use only.</summary>
public sealed class CosmosServiceCollectionExtensionsTests
{
    private static readonly string AnyKey = Convert.ToBase64String(new byte[64]);

    [Fact]
    public void The_store_resolves_without_creating_a_client()
    {
        using var provider = Provider(new()
        {
            ["Cosmos:Endpoint"] = "https://account.documents.azure.com:443/",
            ["Cosmos:Key"] = AnyKey,
            ["Cosmos:Database"] = "games",
            ["Cosmos:Container"] = "items",
        });

        var store = provider.GetRequiredService<IDocumentStore>();
        var client = provider.GetRequiredService<Lazy<CosmosClient>>();
        var options = provider.GetRequiredService<IOptions<CosmosDocumentStoreOptions>>().Value;

        Assert.IsType<CosmosDocumentStore>(store);
        Assert.False(client.IsValueCreated);
        Assert.Equal("games", options.Database);
        Assert.Equal("items", options.Container);
        Assert.True(options.LimitToEndpoint);
    }

    [Fact]
    public void Without_a_key_the_client_uses_the_managed_identity()
    {
        var options = new CosmosDocumentStoreOptions { Endpoint = "https://account.documents.azure.com:443/", ManagedIdentityClientId = "00000000-0000-0000-0000-000000000001" };

        using var client = options.CreateClient();

        Assert.Equal(new Uri("https://account.documents.azure.com:443/"), client.Endpoint);
        Assert.Equal(ConnectionMode.Gateway, client.ClientOptions.ConnectionMode);
        Assert.True(client.ClientOptions.LimitToEndpoint);
    }

    [Theory]
    [InlineData("", null, "gamebackend", "documents", "Endpoint")]
    [InlineData("not a url", null, "gamebackend", "documents", "Endpoint")]
    [InlineData("https://account.documents.azure.com:443/", "not base64!", "gamebackend", "documents", "Key")]
    [InlineData("https://account.documents.azure.com:443/", null, "", "documents", "Database")]
    [InlineData("https://account.documents.azure.com:443/", null, "gamebackend", "a/b", "Container")]
    public void Bad_options_fail_at_start_up_naming_the_setting(string endpoint, string? key, string database, string container, string setting)
    {
        using var provider = Provider(new()
        {
            ["Cosmos:Endpoint"] = endpoint,
            ["Cosmos:Key"] = key,
            ["Cosmos:Database"] = database,
            ["Cosmos:Container"] = container,
        });

        var failure = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CosmosDocumentStoreOptions>>().Value);

        Assert.Contains($"Cosmos:{setting}", failure.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddCosmosDocumentStore(configuration).BuildServiceProvider();
    }
}
