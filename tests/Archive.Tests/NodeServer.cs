using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GameBackend.Archive.Tests;

/// <summary>
/// A Node.js test server (s3rver, azurite) on a free 127.0.0.1 port, started from the npm package eng/test.sh installs.
/// The server runs under /bin/sh, which ends when the server does, and stops the server when its stdin (held open by
/// this process) closes: when the test host ends for any reason, even killed, no server outlives the run. A missing package makes
/// the tests fail with a message saying how to install it, never skip.
/// </summary>
public sealed class NodeServer : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    private NodeServer(Process process, int port)
    {
        this.process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>
    /// The package's script: <paramref name="variable"/> when set, else where eng/test.sh installs it
    /// (<c>$XDG_CACHE_HOME/gamebackend/{cacheFolder}/node_modules/{scriptInPackage}</c>).
    /// </summary>
    public static string FindScript(string variable, string cacheFolder, string scriptInPackage, string package)
    {
        var configured = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured)
                ? Path.GetFullPath(configured)
                : throw new InvalidOperationException($"{variable} names {configured}, which does not exist. Run eng/test.sh, which installs {package}.");
        }

        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var script = Path.Combine(cache, "gamebackend", cacheFolder, "node_modules", scriptInPackage);
        return File.Exists(script)
            ? script
            : throw new InvalidOperationException(
                $"{package} is not installed: {variable} is not set and {script} does not exist. "
                + $"Run eng/test.sh once (it installs the npm package {package} into that cache and needs node), or set {variable}.");
    }

    /// <summary>Starts <c>node {nodeOptions} {script} {arguments}</c>; "{port}" in an argument becomes the chosen port.</summary>
    public static async Task<NodeServer> StartAsync(string name, IEnumerable<string> nodeOptions, string script, IEnumerable<string> arguments, Func<int, Task> probe)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            """
            exec 3<&0
            node "$@" </dev/null &
            child=$!
            (read -r _ <&3 || true; kill "$child" 2>/dev/null) &
            wait "$child"
            """);
        start.ArgumentList.Add(name);
        foreach (var option in nodeOptions)
        {
            start.ArgumentList.Add(option);
        }

        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument.Replace("{port}", port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start.");
        var server = new NodeServer(process, port);
        process.OutputDataReceived += (_, line) => server.Collect(line.Data);
        process.ErrorDataReceived += (_, line) => server.Collect(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode} before serving:\n{server.Output}");
            }

            try
            {
                using (var connection = new TcpClient())
                {
                    await connection.ConnectAsync(IPAddress.Loopback, port);
                }

                await probe(port);
                return server;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        process.Dispose();
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
