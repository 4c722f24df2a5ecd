using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace GameBackend.Hosts.Azure.Tests;

/// <summary>
/// The real Hosts.Azure executable started as the Functions host starts a custom handler: with its settings in the
/// environment (app settings) and FUNCTIONS_CUSTOMHANDLER_PORT naming the port it must listen on.
/// </summary>
public sealed class HandlerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HandlerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public int Port { get; }

    public HttpClient Client { get; }

    public string Output => string.Join('\n', _output);

    public static async Task<HandlerProcess> StartAsync(IReadOnlyDictionary<string, string> appSettings)
    {
        var port = FreePort();
        var dll = Path.Combine(AppContext.BaseDirectory, "GameBackend.Hosts.Azure.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(dll);
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in appSettings)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var handler = new HandlerProcess(process, port);
        process.OutputDataReceived += (_, e) => handler.Add(e.Data);
        process.ErrorDataReceived += (_, e) => handler.Add(e.Data);
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // What the Functions host does before the first invocation: any HTTP answer on the port means ready.
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var ping = await handler.Client.GetAsync("/");
                break;
            }
            catch (HttpRequestException) when (stopwatch.Elapsed < TimeSpan.FromSeconds(60) && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }

        return handler;
    }

    /// <summary>Runs the executable once with arguments (a command such as create-title) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCommandAsync(IReadOnlyDictionary<string, string> appSettings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GameBackend.Hosts.Azure.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in appSettings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Add(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
