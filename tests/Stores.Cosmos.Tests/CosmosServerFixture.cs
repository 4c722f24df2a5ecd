using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using GameBackend.Stores.ContractTests;
using Microsoft.Azure.Cosmos;

namespace GameBackend.Stores.Cosmos.Tests;

/// <summary>
/// Starts one private cosmosdb-server (in memory, HTTPS with the self-signed certificate its package ships) on a free
/// 127.0.0.1 port for the whole test assembly, and stops it when the tests are done. eng/test.sh installs the npm package
/// <c>@vercel/cosmosdb-server</c> and names its folder in <see cref="ServerVariable"/>. Without it the tests fail with a
/// message saying how to get it: a store that was never run against a Cosmos DB server must not look green.
/// <para>
/// The client trusts exactly the certificate in the package (no other) and talks through
/// <see cref="CosmosTestServerCorrections"/>, which corrects what the server answers differently from Cosmos DB.
/// </para>
/// </summary>
public sealed class CosmosServerFixture : IAsyncLifetime
{
    public const string ServerVariable = "COSMOSDB_SERVER";

    /// <summary>The server checks no signature; any base64 key will do.</summary>
    private static readonly string AnyKey = Convert.ToBase64String(new byte[64]);

    private LocalServerProcess? server;
    private X509Certificate2? certificate;

    public string Endpoint { get; private set; } = null!;

    public CosmosTestServerCorrections Corrections { get; private set; } = null!;

    public CosmosClient Client { get; private set; } = null!;

    /// <summary>One container for every test that writes under fresh titles (the contract suite does).</summary>
    public CosmosDocumentStoreOptions Options { get; } = new() { Database = "gamebackend-tests", Container = "documents" };

    public async Task InitializeAsync()
    {
        var package = FindPackage();
        certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(package, "cert.pem")));
        var port = LocalServerProcess.FreePort();
        Endpoint = $"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/";

        server = LocalServerProcess.Start("cosmosdb-server", package, "node lib/cli.js --host 127.0.0.1 -p \"$1\"", port.ToString(CultureInfo.InvariantCulture));

        var trusted = certificate;
        var transport = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                // The test server's own certificate, byte for byte, and nothing else; production never sets this.
                RemoteCertificateValidationCallback = (_, presented, _, errors) =>
                    errors == SslPolicyErrors.None || (presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(trusted.RawData)),
            },
        };
        Corrections = new CosmosTestServerCorrections(transport);
        var options = new CosmosDocumentStoreOptions { Endpoint = Endpoint, Key = AnyKey, Database = Options.Database, Container = Options.Container };
        Client = options.CreateClient(() => new HttpClient(Corrections, disposeHandler: false));
        await server.WaitUntilServingAsync(
            "cosmosdb-server",
            port,
            () => Client.ReadAccountAsync(),
            exception => exception is CosmosException or HttpRequestException or IOException,
            TimeSpan.FromSeconds(60));
        await CosmosDocumentContainer.CreateIfMissingAsync(Client, Options.Database, Options.Container);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Corrections?.Dispose();
        certificate?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    private static string FindPackage()
    {
        var configured = Environment.GetEnvironmentVariable(ServerVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(Path.Combine(configured, "lib", "cli.js"))
                ? Path.GetFullPath(configured)
                : throw new InvalidOperationException($"{ServerVariable} names {configured}, which holds no lib/cli.js. Run eng/test.sh, which installs cosmosdb-server.");
        }

        // Where eng/test.sh installs it, so `dotnet test` alone works once the script has run on this machine.
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var package = Path.Combine(cache, "gamebackend", "cosmosdb-server", "node_modules", "@vercel", "cosmosdb-server");
        return File.Exists(Path.Combine(package, "lib", "cli.js"))
            ? package
            : throw new InvalidOperationException(
                $"cosmosdb-server is not installed: {ServerVariable} is not set and {package} holds no lib/cli.js. "
                + "Run eng/test.sh once (it installs the npm package @vercel/cosmosdb-server into that cache and needs node), "
                + $"or set {ServerVariable} to the package's folder.");
    }
}

/// <summary>Every test class of the assembly shares one cosmosdb-server, started once.</summary>
[CollectionDefinition(Name)]
public sealed class CosmosServerCollection : ICollectionFixture<CosmosServerFixture>
{
    public const string Name = "cosmosdb-server";
}
