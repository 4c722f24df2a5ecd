using GameBackend.Core.Accounts;
using GameBackend.Core.Profiles;
using GameBackend.Core.Tenancy;
using GameBackend.Stores.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace GameBackend.Core.Tests.Support;

/// <summary>
/// The Core services over a real SQLite store in a temporary folder, with a fake clock. Password hashing uses
/// cheap Argon2id parameters so tests stay fast; one test checks the real OWASP parameters separately.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    public static readonly PasswordHashParameters CheapHashing = new(MemoryKiB: 64, Iterations: 1, Parallelism: 1);

    private readonly string _folder;

    public TestBackend()
    {
        _folder = Path.Combine(Path.GetTempPath(), "gamebackend-core-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        Time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        Store = new SqliteDocumentStore(new SqliteDocumentStoreOptions(Path.Combine(_folder, "store.db")) { ReaderConnections = 4 }, Time);
        Titles = new TitleService(Store, Time);
        Tokens = new AccessTokens(Titles, Time);
        Passwords = new PasswordHasher(CheapHashing);
        Accounts = new AccountService(Store, Titles, Tokens, Passwords, Events.Publisher(), Time);
        Profiles = new ProfileService(Store, Titles, Time);
    }

    public FakeTimeProvider Time { get; }

    /// <summary>What the services published (sign-ins, scores, …); set <see cref="RecordingEventBus.Unavailable"/> to refuse.</summary>
    public RecordingEventBus Events { get; } = new();

    public SqliteDocumentStore Store { get; }

    public TitleService Titles { get; }

    public AccessTokens Tokens { get; }

    public PasswordHasher Passwords { get; }

    public AccountService Accounts { get; }

    public ProfileService Profiles { get; }

    public async Task<Title> CreateTitleAsync(TitleSettings? settings = null, string name = "Test Game") =>
        (await Titles.CreateAsync(name, CellType.Dedicated, settings)).Value.Title;

    /// <summary>Signs a new device player in and returns the result together with the validated principal.</summary>
    public async Task<(SignInResult SignIn, PlayerPrincipal Principal)> SignInNewDeviceAsync(Title title)
    {
        var signIn = (await Accounts.SignInWithDeviceAsync(title, "device-" + Guid.NewGuid().ToString("N"), create: true)).Value;
        var principal = (await Tokens.ValidateAsync(signIn.Tokens.AccessToken)).Value;
        return (signIn, principal);
    }

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
