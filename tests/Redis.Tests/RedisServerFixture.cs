using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace GameBackend.Redis.Tests;

/// <summary>
/// Starts a private <c>redis-server</c> on a free 127.0.0.1 port with persistence off, and kills it when the tests are
/// done. No global Redis is used or needed: eng/test.sh only installs the Debian package.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private Process? _server;

    public int Port { get; private set; }

    /// <summary>A connection with admin commands allowed, so tests can FLUSHALL.</summary>
    public ConnectionMultiplexer Connection { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Port = FreePort();
        var start = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _server = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed; run eng/test.sh (it installs the Debian package).", ex);
        }

        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();

        var options = new ConfigurationOptions { AllowAdmin = true, AbortOnConnectFail = false, ConnectTimeout = 2000 };
        options.EndPoints.Add(IPAddress.Loopback, Port);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_server.HasExited)
            {
                await Task.Delay(50);
            }
        }

        Connection = await ConnectionMultiplexer.ConnectAsync(options);
        await Connection.GetDatabase().PingAsync();
    }

    public IServer Server => Connection.GetServer(IPAddress.Loopback, Port);

    public async Task DisposeAsync()
    {
        if (Connection is not null)
        {
            await Connection.DisposeAsync();
        }

        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The tests sharing one redis-server.</summary>
[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisServerFixture>
{
    public const string Name = "redis";
}
