using System.Net;
using System.Text;
using GameBackend.Client;
using GameBackend.Core.Accounts;
using GameBackend.Core.Tenancy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace GameBackend.Client.Tests;

/// <summary>A title made for a test, with its plaintext keys.</summary>
public sealed record TestTitle(string Id, string ClientKey, string ServerKey);

/// <summary>
/// Hosts.Local's real composition (Api + SQLite store) in memory on a temporary folder, with a clock the tests
/// move, and matchmaking ticked by hand. The SDK talks to it through the test server's HttpClient, so every call
/// goes through the real routing, filters, problem documents and JSON.
/// </summary>
public class BackendFactory : WebApplicationFactory<Program>
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "gamebackend-client-tests", Guid.NewGuid().ToString("N"));
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly bool _fakeTime;
    private readonly Action<IServiceCollection>? _configureServices;

    public BackendFactory()
        : this(new Dictionary<string, string?>())
    {
    }

    /// <summary>
    /// <paramref name="fakeTime"/> false keeps the real clock, for hosts whose timers must run (the matchmaking
    /// scheduler, the relay's heartbeats and idle timeouts).
    /// </summary>
    public BackendFactory(IReadOnlyDictionary<string, string?> settings, bool fakeTime = true, Action<IServiceCollection>? configureServices = null)
    {
        _settings = settings;
        _fakeTime = fakeTime;
        _configureServices = configureServices;
    }

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public async Task<TestTitle> CreateTitleAsync()
    {
        var created = await Services.GetRequiredService<TitleService>().CreateAsync("Client SDK test title", CellType.Dedicated, null);
        Assert.True(created.IsSuccess, created.Error?.Code);
        var title = created.Value.Title;
        return new TestTitle(title.Id, title.ClientKey, created.Value.ServerKey);
    }

    /// <summary>A game client of the title; the caller disposes it (the HttpClient underneath belongs to this factory).</summary>
    public GameBackendClient NewClient(TestTitle title, TimeSpan? refreshBeforeExpiry = null, Action<GameBackendClientOptions>? configure = null)
    {
        var options = new GameBackendClientOptions { BaseAddress = new Uri("http://localhost/"), ClientKey = title.ClientKey };
        configure?.Invoke(options);
        if (refreshBeforeExpiry is { } margin)
        {
            options.RefreshBeforeExpiry = margin;
        }

        return new GameBackendClient(options, CreateClient());
    }

    /// <summary>The studio's side (server key) for setting up queues, boards and configs; raw JSON on purpose.</summary>
    public async Task<string> AdminAsync(TestTitle title, HttpMethod method, string path, string? json = null)
    {
        using var http = CreateClient();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Server-Key", title.ServerKey);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotModified, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("GameBackend:DataPath", _dataPath);
        builder.UseSetting("GameBackend:RateLimits:RequestsPerSecondPerClient", "1000000");
        builder.UseSetting("GameBackend:RateLimits:RequestsPerSecondPerTitle", "1000000");
        builder.UseSetting("GameBackend:MatchmakingTickSeconds", "0");

        // No in-process UDP relay unless a test asks for one (on its own port): many hosts run at once, and
        // 127.0.0.1:7777 may belong to another test's relay. Matchmaking then assigns 127.0.0.1:7777.
        builder.UseSetting("GameBackend:Relay:Enabled", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            if (_fakeTime)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Time);
            }

            // The tests check behaviour, not hashing strength.
            services.RemoveAll<PasswordHasher>();
            services.AddSingleton(new PasswordHasher(new PasswordHashParameters(1024, 1, 1)));
            _configureServices?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            if (Directory.Exists(_dataPath))
            {
                Directory.Delete(_dataPath, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still held by a finalizing connection; the OS cleans the temp folder eventually.
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>The backend most tests share: one store, a title per test.</summary>
public sealed class SharedBackend : BackendFactory;

[CollectionDefinition(Name)]
public sealed class BackendCollection : ICollectionFixture<SharedBackend>
{
    public const string Name = "backend";
}
