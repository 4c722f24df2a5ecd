using GameBackend.Core.Accounts;
using GameBackend.Core.Tenancy;
using GameBackend.Redis.Tests;
using GameBackend.Stores.Cosmos.Tests;
using Microsoft.Azure.Cosmos;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>A title made for a test, with its plaintext keys.</summary>
public sealed record TestTitle(string Id, string ClientKey, string ServerKey);

/// <summary>
/// Hosts.Azure's real composition in memory (what the Functions host talks to), over the private redis-server and the
/// Cosmos test server (the fixture's client, through its corrections), with one configured relay so matches can form.
/// Tests add services (an ingest handler) through the constructor.
/// </summary>
public sealed class AzureHostFactory : WebApplicationFactory<Program>
{
    private readonly RedisServerFixture _redis;
    private readonly CosmosServerFixture _cosmos;
    private readonly string _kafka;
    private readonly Action<IServiceCollection>? _configureServices;
    private readonly string? _archiveConnectionString;
    private readonly string? _archiveContainer;

    /// <summary>With <paramref name="archiveContainer"/>, the host archives to that Azurite container as the template configures it.</summary>
    public AzureHostFactory(AzureServers servers, Action<IServiceCollection>? configureServices = null, string? archiveContainer = null)
    {
        _archiveConnectionString = servers.Azurite.ConnectionString;
        _archiveContainer = archiveContainer;
        _redis = servers.Redis;
        _cosmos = servers.Cosmos;
        _kafka = servers.Kafka.BootstrapServers;
        _configureServices = configureServices;
    }

    /// <summary>This host's own topic on the shared broker, so tests read only their own events.</summary>
    public string EventTopic { get; } = "azure-tests-" + Guid.NewGuid().ToString("N")[..12];

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async Task<TestTitle> CreateTitleAsync()
    {
        var created = await Get<TitleService>().CreateAsync("Azure test title", CellType.Dedicated, null);
        Assert.True(created.IsSuccess, created.Error?.Code);
        return new TestTitle(created.Value.Title.Id, created.Value.Title.ClientKey, created.Value.ServerKey);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Cosmos:Endpoint", _cosmos.Endpoint);
        builder.UseSetting("Cosmos:Key", AzureServers.AnyCosmosKey);
        builder.UseSetting("Cosmos:Database", _cosmos.Options.Database);
        builder.UseSetting("Cosmos:Container", _cosmos.Options.Container);
        builder.UseSetting("GameBackend:Kafka:BootstrapServers", _kafka);
        builder.UseSetting("GameBackend:Kafka:Topic", EventTopic);
        builder.UseSetting("GameBackend:Azure:RedisConnectionString", $"127.0.0.1:{_redis.Port}");
        builder.UseSetting("GameBackend:Azure:RedisKeyPrefix", "azure-tests-" + Guid.NewGuid().ToString("N")[..8]);
        if (_archiveContainer is not null)
        {
            builder.UseSetting("GameBackend:Archive:Blob:ConnectionString", _archiveConnectionString);
            builder.UseSetting("GameBackend:Archive:Blob:ContainerName", _archiveContainer);
        }

        builder.UseSetting("GameBackend:RateLimits:RequestsPerSecondPerClient", "1000000");
        builder.UseSetting("GameBackend:RateLimits:RequestsPerSecondPerTitle", "1000000");
        builder.UseSetting("GameBackend:Relays:Servers:0:RelayId", "test-relay");
        builder.UseSetting("GameBackend:Relays:Servers:0:Region", "test");
        builder.UseSetting("GameBackend:Relays:Servers:0:Endpoint", "127.0.0.1:7777");
        builder.ConfigureTestServices(services =>
        {
            // The tests check behaviour, not hashing strength.
            services.RemoveAll<PasswordHasher>();
            services.AddSingleton(new PasswordHasher(new PasswordHashParameters(1024, 1, 1)));

            // The fixture's client: it trusts the test server's certificate and corrects its answers.
            services.RemoveAll<Lazy<CosmosClient>>();
            services.AddSingleton(new Lazy<CosmosClient>(() => _cosmos.Client));
            _configureServices?.Invoke(services);
        });
    }

}
