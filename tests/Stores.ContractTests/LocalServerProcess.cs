using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace GameBackend.Stores.ContractTests;

/// <summary>
/// A test server (DynamoDB Local, cosmosdb-server, ...) that a store's fixture runs on 127.0.0.1 for the length of a test
/// run. It runs under <c>/bin/sh</c>, which starts it in the background, ends when it ends (so a server that fails to
/// start is reported at once, with its output), and stops it when sh's stdin, held open by this process, closes: when the
/// test host ends for any reason (even killed), so no server outlives the run.
/// </summary>
public sealed class LocalServerProcess : IAsyncDisposable
{
    private readonly StringBuilder output = new();
    private readonly Process process;

    private LocalServerProcess(Process process)
    {
        this.process = process;
    }

    /// <summary>
    /// Starts <paramref name="commandLine"/>, a shell command that names its arguments <c>"$1"</c>, <c>"$2"</c>, ... (given in
    /// <paramref name="arguments"/>), in <paramref name="workingDirectory"/>.
    /// </summary>
    public static LocalServerProcess Start(string name, string workingDirectory, string commandLine, params string[] arguments)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(
            $"""
            exec 3<&0
            {commandLine} </dev/null &
            child=$!
            (read -r _ <&3 || true; kill "$child" 2>/dev/null) &
            wait "$child"
            """);
        start.ArgumentList.Add(name);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var server = new LocalServerProcess(Process.Start(start) ?? throw new InvalidOperationException("/bin/sh did not start."));
        server.process.OutputDataReceived += (_, line) => server.Collect(line.Data);
        server.process.ErrorDataReceived += (_, line) => server.Collect(line.Data);
        server.process.BeginOutputReadLine();
        server.process.BeginErrorReadLine();
        return server;
    }

    /// <summary>A port that was free a moment ago on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Waits until <paramref name="port"/> accepts connections and <paramref name="probe"/> succeeds; exceptions that
    /// <paramref name="notReadyYet"/> accepts mean "try again" until the deadline. Fails with the server's output if it exits.
    /// </summary>
    public async Task WaitUntilServingAsync(string name, int port, Func<Task> probe, Func<Exception, bool> notReadyYet, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode} before serving:\n{Output()}");
            }

            try
            {
                using (var connection = new TcpClient())
                {
                    await connection.ConnectAsync(IPAddress.Loopback, port);
                }

                await probe();
                return;
            }
            catch (Exception exception) when ((exception is SocketException || notReadyYet(exception)) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Closes sh's stdin, which stops the server; kills both if that takes longer than ten seconds.</summary>
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

    private string Output()
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
