using Amazon.DynamoDBv2;
using Amazon.Runtime;
using GameBackend.Api.Tests;
using GameBackend.Core.Tenancy;
using GameBackend.Stores.DynamoDb;
using GameBackend.Stores.DynamoDb.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace GameBackend.Hosts.Aws.Tests;

/// <summary>
/// Hosts.Aws's real composition as one Lambda function (<c>GameBackend:Function</c>) over a table in DynamoDB Local.
/// The only thing swapped is the DynamoDB client's credentials (DynamoDB Local takes fixed fake ones; the host would
/// look for the Lambda role's). Several factories over one table play several functions of one deployment.
/// </summary>
public sealed class AwsHostFactory(
    DynamoDbLocalFixture dynamo,
    string function,
    string table,
    IReadOnlyDictionary<string, string?>? settings = null,
    Action<IServiceCollection>? configureServices = null) : WebApplicationFactory<Program>
{
    public string Table => table;

    public static async Task<string> NewTableAsync(DynamoDbLocalFixture dynamo) => await dynamo.CreateTableAsync();

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async Task<TestTitle> CreateTitleAsync()
    {
        var created = await Get<TitleService>().CreateAsync("Test title", CellType.Dedicated, null);
        Assert.True(created.IsSuccess, created.Error?.Code);
        return new TestTitle(created.Value.Title.Id, created.Value.Title.ClientKey, created.Value.ServerKey);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("GameBackend:Function", function);
        builder.UseSetting("GameBackend:DynamoDb:TableName", table);
        builder.UseSetting("GameBackend:DynamoDb:ServiceUrl", dynamo.ServiceUrl);
        builder.UseSetting("GameBackend:DynamoDb:Region", "us-east-1");
        builder.UseSetting("GameBackend:RateLimits:RequestsPerSecondPerClient", "1000000");
        builder.UseSetting("GameBackend:RateLimits:RequestsPerSecondPerTitle", "1000000");
        builder.UseSetting("GameBackend:Relays:Servers:0:RelayId", "relay-1");
        builder.UseSetting("GameBackend:Relays:Servers:0:Region", "eu");
        builder.UseSetting("GameBackend:Relays:Servers:0:Endpoint", "127.0.0.1:7777");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IAmazonDynamoDB>();
            services.AddSingleton<IAmazonDynamoDB>(provider =>
                provider.GetRequiredService<DynamoDbDocumentStoreOptions>().CreateClient(new BasicAWSCredentials("local", "local")));
            configureServices?.Invoke(services);
        });
    }
}
