using GameBackend.Core.Accounts;
using GameBackend.Core.Events;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Accounts;

/// <summary>account_created and signed_in: published once the sign-in is stored, for every method, and never at the sign-in's expense.</summary>
public sealed class AccountEventsTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly TestBackend _backend = new();
    private Title _title = null!;

    public async Task InitializeAsync() => _title = await _backend.CreateTitleAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    private BackendEvent[] Published() => _backend.Events.Events.ToArray();

    [Fact]
    public async Task A_first_sign_in_publishes_account_created_then_signed_in_with_the_accounts_creation_time()
    {
        var signIn = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-0001", create: true)).Value;
        var account = (await _backend.Accounts.GetAccountAsync(_title.Id, signIn.PlayerId)).Value;

        var events = Published();
        Assert.Equal([BackendEventNames.AccountCreated, BackendEventNames.SignedIn], events.Select(e => e.Name));
        Assert.All(events, e => Assert.Equal((_title.Id, signIn.PlayerId, (DateTimeOffset?)account.CreatedAt), (e.TitleId, e.PlayerId, e.PlayerSince)));
        Assert.All(events, e => Assert.Equal("device", e.Properties!.Value.GetProperty("method").GetString()));
        Assert.Equal(account.CreatedAt, events[0].Time);
        Assert.NotEqual(events[0].Id, events[1].Id);
    }

    [Fact]
    public async Task A_later_sign_in_publishes_signed_in_only_still_in_the_accounts_cohort()
    {
        var first = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-0002", create: true)).Value;
        var createdAt = (await _backend.Accounts.GetAccountAsync(_title.Id, first.PlayerId)).Value.CreatedAt;
        _backend.Time.Advance(TimeSpan.FromDays(3));
        _backend.Events.Events.Clear();

        await _backend.Accounts.SignInWithDeviceAsync(_title, "device-0002", create: true);

        var e = Assert.Single(Published());
        Assert.Equal((BackendEventNames.SignedIn, (DateTimeOffset?)createdAt, _backend.Time.GetUtcNow()), (e.Name, e.PlayerSince, e.Time));
    }

    [Fact]
    public async Task Email_and_custom_sign_ins_publish_with_their_method()
    {
        var signUp = (await _backend.Accounts.SignUpWithEmailAsync(_title, "ann@example.com", Password)).Value;
        await _backend.Accounts.SignInWithEmailAsync(_title, "ann@example.com", Password);
        var custom = (await _backend.Accounts.SignInWithCustomIdAsync(_title, "studio|7", create: true)).Value;

        var events = Published();
        Assert.Equal(
            [(BackendEventNames.AccountCreated, "email"), (BackendEventNames.SignedIn, "email"), (BackendEventNames.SignedIn, "email"), (BackendEventNames.AccountCreated, "custom"), (BackendEventNames.SignedIn, "custom")],
            events.Select(e => (e.Name, e.Properties!.Value.GetProperty("method").GetString())));
        Assert.Equal([signUp.PlayerId, signUp.PlayerId, signUp.PlayerId, custom.PlayerId, custom.PlayerId], events.Select(e => e.PlayerId));
    }

    [Fact]
    public async Task Failed_and_refused_sign_ins_publish_nothing()
    {
        var player = (await _backend.Accounts.SignUpWithEmailAsync(_title, "bob@example.com", Password)).Value.PlayerId;
        await _backend.Accounts.SetDisabledAsync(_title.Id, player, true);
        _backend.Events.Events.Clear();

        Assert.False((await _backend.Accounts.SignInWithEmailAsync(_title, "bob@example.com", "wrong password here")).IsSuccess);
        Assert.False((await _backend.Accounts.SignInWithEmailAsync(_title, "bob@example.com", Password)).IsSuccess);
        Assert.False((await _backend.Accounts.SignInWithDeviceAsync(_title, "device-0003", create: false)).IsSuccess);

        Assert.Empty(Published());
    }

    [Fact]
    public async Task A_bus_that_refuses_does_not_fail_the_sign_in_and_the_loss_is_counted()
    {
        _backend.Events.Unavailable = true;
        var publisher = _backend.Events.Publisher();
        var accounts = new AccountService(_backend.Store, _backend.Titles, _backend.Tokens, _backend.Passwords, publisher, _backend.Time);

        var signIn = await accounts.SignInWithDeviceAsync(_title, "device-0004", create: true);

        Assert.True(signIn.IsSuccess, signIn.Error?.Code);
        Assert.True((await _backend.Tokens.ValidateAsync(signIn.Value.Tokens.AccessToken)).IsSuccess);
        Assert.Equal(2, publisher.Dropped);
        Assert.Empty(Published());
    }

    [Fact]
    public async Task A_bus_that_does_not_answer_holds_the_sign_in_no_longer_than_the_publishers_timeout()
    {
        var publisher = new BestEffortEventPublisher(new StalledEventBus(), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<BestEffortEventPublisher>.Instance, TimeSpan.FromMilliseconds(50));
        var accounts = new AccountService(_backend.Store, _backend.Titles, _backend.Tokens, _backend.Passwords, publisher, _backend.Time);

        var signIn = await accounts.SignInWithDeviceAsync(_title, "device-0005", create: true).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(signIn.IsSuccess, signIn.Error?.Code);
        Assert.Equal(2, publisher.Dropped);
    }

    /// <summary>A bus that never acknowledges (a broker that hangs).</summary>
    private sealed class StalledEventBus : IEventBus
    {
        public async ValueTask PublishAsync(IReadOnlyList<BackendEvent> events, CancellationToken cancellationToken = default) =>
            await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
