using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using GameBackend.Archive.Blob;
using GameBackend.Stores.ContractTests;

namespace GameBackend.Archive.Tests.Blob;

/// <summary>
/// One Azurite blob service (the npm package azurite, in memory) on a free 127.0.0.1 port for the assembly's Blob
/// tests. eng/test.sh installs it and names its blob script in <see cref="ScriptVariable"/>.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public const string ScriptVariable = "AZURITE_BLOB_JS";

    // Azurite's documented development account and key (public; they open nothing but a local emulator).
    private const string Account = "devstoreaccount1";
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private LocalServerProcess? server;

    public string ConnectionString { get; private set; } = null!;

    public BlobObjectStoreOptions Options(string container, string prefix = "", int listPageSize = 5000) =>
        new() { ConnectionString = ConnectionString, ContainerName = container, Prefix = prefix, ListPageSize = listPageSize };

    /// <summary>Creates a container with a fresh name and returns its client.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync()
    {
        var container = new BlobContainerClient(ConnectionString, "archive-" + Guid.NewGuid().ToString("N")[..20]);
        await container.CreateAsync();
        return container;
    }

    public async Task InitializeAsync()
    {
        var script = NpmPackages.FindScript(ScriptVariable, "azurite", Path.Combine("azurite", "dist", "src", "blob", "main.js"), "azurite");
        var port = LocalServerProcess.FreePort();
        ConnectionString = string.Create(
            CultureInfo.InvariantCulture,
            $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port}/{Account};");
        server = LocalServerProcess.Start(
            "azurite-blob",
            Path.GetTempPath(),
            "node \"$1\" --blobHost 127.0.0.1 --blobPort \"$2\" --inMemoryPersistence --skipApiVersionCheck --disableTelemetry --silent",
            script,
            port.ToString(CultureInfo.InvariantCulture));
        await server.WaitUntilServingAsync(
            "azurite-blob",
            port,
            () => new BlobServiceClient(ConnectionString).GetPropertiesAsync(),
            static e => e is RequestFailedException or HttpRequestException or IOException,
            TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
