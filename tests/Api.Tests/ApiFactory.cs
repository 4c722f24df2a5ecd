using GameBackend.Core.Accounts;
using GameBackend.Core.Tenancy;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace GameBackend.Api.Tests;

/// <summary>A title made for a test, with its plaintext keys.</summary>
public sealed record TestTitle(string Id, string ClientKey, string ServerKey);

/// <summary>
/// Hosts.Local's real composition (Api + SQLite store) in memory, on a temporary data folder, with a fake
/// clock the tests move. Extra configuration (low rate limits, small bodies) goes in through the constructor.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "gamebackend-api-tests", Guid.NewGuid().ToString("N"));
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _configureServices;

    public ApiFactory(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        _settings = settings ?? new Dictionary<string, string?>();
        _configureServices = configureServices;
    }

    /// <summary>Starts at the real time (the store's files do not care) and moves only when a test says so.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public string DataPath => _dataPath;

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public async Task<TestTitle> CreateTitleAsync(TitleSettings? settings = null)
    {
        var created = await Get<TitleService>().CreateAsync("Test title", CellType.Dedicated, settings);
        Assert.True(created.IsSuccess, created.Error?.Code);
        var title = created.Value.Title;
        return new TestTitle(title.Id, title.ClientKey, created.Value.ServerKey);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("GameBackend:DataPath", _dataPath);

        // Most tests share one host and one address; rate-limit tests set their own low limits below.
        builder.UseSetting("GameBackend:RateLimits:RequestsPerSecondPerClient", "1000000");
        builder.UseSetting("GameBackend:RateLimits:RequestsPerSecondPerTitle", "1000000");

        // Tests tick matchmaking by hand (the fake clock would make a timer fire at odd moments).
        builder.UseSetting("GameBackend:MatchmakingTickSeconds", "0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);

            // Argon2id at OWASP strength costs ~19 MiB and tens of milliseconds per hash; the tests check
            // behaviour, not hashing strength, so they hash cheaply.
            services.RemoveAll<PasswordHasher>();
            services.AddSingleton(new PasswordHasher(new PasswordHashParameters(1024, 1, 1)));
            _configureServices?.Invoke(services);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            TryDeleteData();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        TryDeleteData();
        GC.SuppressFinalize(this);
    }

    private void TryDeleteData()
    {
        try
        {
            if (Directory.Exists(_dataPath))
            {
                Directory.Delete(_dataPath, recursive: true);
            }
        }
        catch (IOException)
        {
            // A file still open by a finalizing connection; the temp folder is cleaned by the OS eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The shared host of most tests: one store, many titles (each test makes its own).</summary>
public sealed class SharedApiFactory : ApiFactory;

/// <summary>The collection of tests sharing <see cref="SharedApiFactory"/>.</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<SharedApiFactory>
{
    public const string Name = "api";
}
