using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
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

    private readonly StringBuilder output = new();
    private Process? server;
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
        var port = FreePort();
        Endpoint = $"https://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/";

        // sh runs the server and then waits on its own stdin, which this process holds open: when the test host ends for
        // any reason (even killed), stdin closes and sh stops the server, so none outlives the run.
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = package,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            """
            node lib/cli.js --host 127.0.0.1 -p "$1" </dev/null &
            child=$!
            read -r _ || true
            kill "$child" 2>/dev/null
            wait "$child"
            """);
        start.ArgumentList.Add("cosmosdb-server");
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        server = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start.");
        server.OutputDataReceived += (_, line) => Collect(line.Data);
        server.ErrorDataReceived += (_, line) => Collect(line.Data);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

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
        await WaitUntilServingAsync(port);
        await CosmosDocumentContainer.CreateIfMissingAsync(Client, Options.Database, Options.Container);
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Corrections?.Dispose();
        certificate?.Dispose();
        if (server is null)
        {
            return;
        }

        if (!server.HasExited)
        {
            server.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await server.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync();
            }
        }

        server.Dispose();
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

    private async Task WaitUntilServingAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (server!.HasExited)
            {
                throw new InvalidOperationException($"cosmosdb-server exited with code {server.ExitCode} before serving:\n{Output()}");
            }

            try
            {
                using (var probe = new TcpClient())
                {
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                }

                await Client.ReadAccountAsync();
                return;
            }
            catch (Exception exception) when (exception is SocketException or CosmosException or HttpRequestException or IOException
                && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Every test class of the assembly shares one cosmosdb-server, started once.</summary>
[CollectionDefinition(Name)]
public sealed class CosmosServerCollection : ICollectionFixture<CosmosServerFixture>
{
    public const string Name = "cosmosdb-server";
}
