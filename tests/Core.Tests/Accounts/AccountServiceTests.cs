using System.Text.Json;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Accounts;

public sealed class AccountServiceTests : IAsyncLifetime
{
    private const string Password = "correct horse battery";
    private readonly TestBackend _backend = new();
    private Title _title = null!;

    public async Task InitializeAsync() => _title = await _backend.CreateTitleAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task Device_sign_in_creates_the_account_once_and_returns_the_same_player_later()
    {
        var first = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-0001", create: true)).Value;
        var second = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-0001", create: false)).Value;

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.PlayerId, second.PlayerId);
        Assert.NotEqual(first.Tokens.RefreshToken, second.Tokens.RefreshToken);
        var principal = (await _backend.Tokens.ValidateAsync(second.Tokens.AccessToken)).Value;
        Assert.Equal(first.PlayerId, principal.PlayerId);
        var account = (await _backend.Accounts.AuthorizeAsync(principal)).Value;
        Assert.Equal(new LinkedIdentity(SignInMethod.Device, "device-0001", _backend.Time.GetUtcNow()), Assert.Single(account.Identities));
        Assert.Equal(_backend.Time.GetUtcNow().AddSeconds(_title.Settings.RefreshTokenLifetimeSeconds), first.Tokens.RefreshTokenExpiresAt);
    }

    [Fact]
    public async Task Parallel_first_sign_ins_of_one_device_end_with_one_account()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(() => _backend.Accounts.SignInWithDeviceAsync(_title, "device-race-1", create: true))));

        Assert.All(results, r => Assert.True(r.IsSuccess));
        var playerId = Assert.Single(results.Select(r => r.Value.PlayerId).Distinct());
        Assert.Single(results, r => r.Value.Created);
        var account = (await _backend.Accounts.GetAccountAsync(_title.Id, playerId)).Value;
        Assert.Single(account.Identities);
    }

    [Fact]
    public async Task Sign_in_without_create_does_not_make_accounts()
    {
        var result = await _backend.Accounts.SignInWithDeviceAsync(_title, "device-unknown", create: false);

        Assert.Equal(ErrorCodes.AccountNotFound, result.Error?.Code);
        Assert.Equal(ErrorKind.NotFound, result.Error?.Kind);
        Assert.Equal(ErrorCodes.AccountNotFound, (await _backend.Accounts.SignInWithCustomIdAsync(_title, "studio|42", create: false)).Error?.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("has space in it")]
    [InlineData("slash/es/not/allowed")]
    [InlineData("ünïcödé-device")]
    public async Task Bad_device_ids_are_rejected(string deviceId)
    {
        var result = await _backend.Accounts.SignInWithDeviceAsync(_title, deviceId, create: true);

        Assert.Equal(ErrorCodes.InvalidDeviceId, result.Error?.Code);
        Assert.Equal(ErrorKind.Validation, result.Error?.Kind);
        Assert.Equal(ErrorCodes.InvalidDeviceId, IdentityRules.CheckDeviceId(new string('a', 129))?.Code);
        Assert.Null(IdentityRules.CheckDeviceId("AZaz09._:-"));
        Assert.Equal(ErrorCodes.InvalidCustomId, (await _backend.Accounts.SignInWithCustomIdAsync(_title, "", create: true)).Error?.Code);
    }

    [Fact]
    public async Task A_sign_in_that_finds_a_link_without_an_account_repairs_it()
    {
        // What a process leaves when it dies after claiming the identity and before creating the account.
        var playerId = Ids.NewId(_backend.Time);
        var link = JsonSerializer.SerializeToUtf8Bytes(new IdentityLinkDocument(playerId, _backend.Time.GetUtcNow(), null), StoredDocumentJsonContext.Default.IdentityLinkDocument);
        await _backend.Store.CreateAsync(new NewItem(AccountService.IdentityKey(_title.Id, SignInMethod.Device, "device-crashed"), link));

        var signIn = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-crashed", create: false)).Value;

        Assert.Equal(playerId, signIn.PlayerId);
        Assert.True((await _backend.Accounts.GetAccountAsync(_title.Id, playerId)).IsSuccess);
        Assert.True((await _backend.Profiles.GetAsync(_title.Id, playerId)).IsSuccess);
    }

    [Fact]
    public async Task Custom_id_sign_in_creates_and_finds_the_player()
    {
        var created = (await _backend.Accounts.SignInWithCustomIdAsync(_title, "studio|player:42", create: true)).Value;
        var again = (await _backend.Accounts.SignInWithCustomIdAsync(_title, "studio|player:42", create: false)).Value;

        Assert.Equal(created.PlayerId, again.PlayerId);
        Assert.True(created.Created);
    }

    [Fact]
    public async Task Email_sign_up_then_sign_in_with_a_normalized_email()
    {
        var signUp = (await _backend.Accounts.SignUpWithEmailAsync(_title, "  Ann@Example.COM ", Password)).Value;
        var signIn = (await _backend.Accounts.SignInWithEmailAsync(_title, "ann@example.com", Password)).Value;

        Assert.True(signUp.Created);
        Assert.False(signIn.Created);
        Assert.Equal(signUp.PlayerId, signIn.PlayerId);
        var account = (await _backend.Accounts.GetAccountAsync(_title.Id, signUp.PlayerId)).Value;
        Assert.Equal("ann@example.com", Assert.Single(account.Identities).Subject);

        var taken = await _backend.Accounts.SignUpWithEmailAsync(_title, "ANN@example.com", "another good password");
        Assert.Equal(ErrorCodes.EmailTaken, taken.Error?.Code);
        Assert.Equal(ErrorKind.Conflict, taken.Error?.Kind);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_email_give_the_identical_error()
    {
        await _backend.Accounts.SignUpWithEmailAsync(_title, "bob@example.com", Password);

        var wrongPassword = await _backend.Accounts.SignInWithEmailAsync(_title, "bob@example.com", "not the password");
        var unknownEmail = await _backend.Accounts.SignInWithEmailAsync(_title, "nobody@example.com", Password);

        Assert.Equal(ErrorCodes.InvalidCredentials, wrongPassword.Error?.Code);
        Assert.Equal(ErrorKind.Unauthorized, wrongPassword.Error?.Kind);
        Assert.Equal(wrongPassword.Error, unknownEmail.Error);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("Ann <ann@example.com>")]
    [InlineData("ann@localhost")]
    [InlineData("@example.com")]
    [InlineData("ann@@example.com")]
    public async Task Malformed_emails_are_rejected_at_sign_up(string email)
    {
        Assert.Equal(ErrorCodes.InvalidEmail, (await _backend.Accounts.SignUpWithEmailAsync(_title, email, Password)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidEmail, IdentityRules.NormalizeEmail(new string('a', 250) + "@b.co").Error?.Code);
    }

    [Theory]
    [InlineData("short", ErrorCodes.PasswordTooShort)]
    [InlineData("😀😀😀😀😀😀😀", ErrorCodes.PasswordTooShort)] // 7 code points, 14 UTF-16 units
    [InlineData("          ", ErrorCodes.PasswordBlank)]
    [InlineData("carl@example.com", ErrorCodes.PasswordSameAsEmail)]
    [InlineData("Password123", ErrorCodes.PasswordTooCommon)]
    [InlineData("qwertyuiop", ErrorCodes.PasswordTooCommon)]
    public async Task Password_policy_is_enforced(string password, string code)
    {
        Assert.Equal(code, (await _backend.Accounts.SignUpWithEmailAsync(_title, "carl@example.com", password)).Error?.Code);
    }

    [Fact]
    public void Password_policy_counts_code_points_and_allows_long_passphrases()
    {
        Assert.Null(PasswordPolicy.Check("😀😀😀😀😀😀😀😀", "a@b.co"));
        Assert.Null(PasswordPolicy.Check(new string('x', 128), "a@b.co"));
        Assert.Equal(ErrorCodes.PasswordTooLong, PasswordPolicy.Check(new string('x', 129), "a@b.co")?.Code);
        Assert.Equal(ErrorCodes.PasswordTooShort, PasswordPolicy.Check(null, "a@b.co")?.Code);
    }

    [Fact]
    public async Task Refresh_rotates_and_reuse_of_an_old_token_revokes_the_family()
    {
        var signIn = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-refresh", create: true)).Value;
        var first = signIn.Tokens;

        _backend.Time.Advance(TimeSpan.FromMinutes(1));
        var second = (await _backend.Accounts.RefreshAsync(_title, first.RefreshToken)).Value;
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        var principal = (await _backend.Tokens.ValidateAsync(second.AccessToken)).Value;
        Assert.True((await _backend.Accounts.AuthorizeAsync(principal)).IsSuccess);

        var third = (await _backend.Accounts.RefreshAsync(_title, second.RefreshToken)).Value;

        var reuse = await _backend.Accounts.RefreshAsync(_title, first.RefreshToken);
        Assert.Equal(ErrorCodes.RefreshTokenReused, reuse.Error?.Code);
        Assert.Equal(ErrorKind.Unauthorized, reuse.Error?.Kind);

        // The newest token of the family fails too, and so do the family's access tokens.
        Assert.Equal(ErrorCodes.InvalidRefreshToken, (await _backend.Accounts.RefreshAsync(_title, third.RefreshToken)).Error?.Code);
        Assert.Equal(ErrorCodes.SessionRevoked, (await _backend.Accounts.AuthorizeAsync(principal)).Error?.Code);

        // Another sign-in of the same player is unaffected.
        var other = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-refresh", create: false)).Value;
        Assert.True((await _backend.Accounts.RefreshAsync(_title, other.Tokens.RefreshToken)).IsSuccess);
    }

    [Fact]
    public async Task A_forged_secret_for_a_live_family_revokes_it()
    {
        var signIn = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-forged", create: true)).Value;
        var forged = signIn.Tokens.RefreshToken[..66] + new string('A', 43);

        Assert.Equal(ErrorCodes.RefreshTokenReused, (await _backend.Accounts.RefreshAsync(_title, forged)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidRefreshToken, (await _backend.Accounts.RefreshAsync(_title, signIn.Tokens.RefreshToken)).Error?.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("0195a1b2c3d4e5f60718293a4b5c6d7e.0195a1b2c3d4e5f60718293a4b5c6d7e.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Unknown_refresh_tokens_are_invalid(string token)
    {
        Assert.Equal(ErrorCodes.InvalidRefreshToken, (await _backend.Accounts.RefreshAsync(_title, token)).Error?.Code);
    }

    [Fact]
    public async Task Refresh_tokens_expire_and_each_rotation_restarts_the_clock()
    {
        var title = await _backend.CreateTitleAsync(new TitleSettings { RefreshTokenLifetimeSeconds = 3600 });
        var signIn = (await _backend.Accounts.SignInWithDeviceAsync(title, "device-expiry", create: true)).Value;

        _backend.Time.Advance(TimeSpan.FromMinutes(50));
        var rotated = (await _backend.Accounts.RefreshAsync(title, signIn.Tokens.RefreshToken)).Value;
        Assert.Equal(_backend.Time.GetUtcNow().AddHours(1), rotated.RefreshTokenExpiresAt);

        _backend.Time.Advance(TimeSpan.FromMinutes(50));
        rotated = (await _backend.Accounts.RefreshAsync(title, rotated.RefreshToken)).Value;

        _backend.Time.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(ErrorCodes.InvalidRefreshToken, (await _backend.Accounts.RefreshAsync(title, rotated.RefreshToken)).Error?.Code);
    }

    [Fact]
    public async Task Sign_out_stops_the_refresh_token_and_the_familys_access_tokens_only()
    {
        var (signIn, principal) = await _backend.SignInNewDeviceAsync(_title);
        var otherSession = (await _backend.Accounts.SignInWithDeviceAsync(_title, (await _backend.Accounts.GetAccountAsync(_title.Id, signIn.PlayerId)).Value.Identities[0].Subject, create: false)).Value;
        var otherPrincipal = (await _backend.Tokens.ValidateAsync(otherSession.Tokens.AccessToken)).Value;

        Assert.True((await _backend.Accounts.SignOutAsync(principal)).Value);

        Assert.Equal(ErrorCodes.InvalidRefreshToken, (await _backend.Accounts.RefreshAsync(_title, signIn.Tokens.RefreshToken)).Error?.Code);
        var authorize = await _backend.Accounts.AuthorizeAsync(principal);
        Assert.Equal(ErrorCodes.SessionRevoked, authorize.Error?.Code);
        Assert.Equal(ErrorKind.Unauthorized, authorize.Error?.Kind);
        Assert.True((await _backend.Accounts.AuthorizeAsync(otherPrincipal)).IsSuccess);
        Assert.True((await _backend.Accounts.SignOutAsync(principal)).Value); // idempotent

        // Once every access token of the family has expired, the account forgets it (the list stays small).
        _backend.Time.Advance(TimeSpan.FromSeconds(_title.Settings.AccessTokenLifetimeSeconds) + TimeSpan.FromMinutes(1));
        Assert.True((await _backend.Accounts.SignOutAsync(otherPrincipal)).Value);
        var stored = await _backend.Store.GetAsync(AccountService.AccountKey(_title.Id, signIn.PlayerId));
        var document = JsonSerializer.Deserialize(stored!.Body, StoredDocumentJsonContext.Default.AccountDocument)!;
        Assert.Equal(otherPrincipal.FamilyId, Assert.Single(document.RevokedFamilies).FamilyId);
    }

    [Fact]
    public async Task Authorize_rejects_unknown_players()
    {
        var ghost = new PlayerPrincipal(_title.Id, Ids.NewId(_backend.Time), Ids.NewId(_backend.Time), _backend.Time.GetUtcNow().AddMinutes(5));

        Assert.Equal(ErrorCodes.InvalidToken, (await _backend.Accounts.AuthorizeAsync(ghost)).Error?.Code);
    }

    [Fact]
    public async Task Players_of_one_title_are_unknown_to_another()
    {
        var other = await _backend.CreateTitleAsync();
        var (signIn, principal) = await _backend.SignInNewDeviceAsync(_title);

        Assert.Equal(ErrorCodes.InvalidToken, (await _backend.Accounts.AuthorizeAsync(principal with { TitleId = other.Id })).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Accounts.GetAccountAsync(other.Id, signIn.PlayerId)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidRefreshToken, (await _backend.Accounts.RefreshAsync(other, signIn.Tokens.RefreshToken)).Error?.Code);
    }

    [Fact]
    public async Task Disabling_blocks_requests_refresh_and_sign_in_and_revokes_every_session()
    {
        var (signIn, principal) = await _backend.SignInNewDeviceAsync(_title);
        var deviceId = (await _backend.Accounts.GetAccountAsync(_title.Id, signIn.PlayerId)).Value.Identities[0].Subject;
        _backend.Time.Advance(TimeSpan.FromSeconds(2));

        var disabled = (await _backend.Accounts.SetDisabledAsync(_title.Id, signIn.PlayerId, disabled: true)).Value;
        Assert.True(disabled.Disabled);

        var authorize = await _backend.Accounts.AuthorizeAsync(principal);
        Assert.Equal(ErrorCodes.AccountDisabled, authorize.Error?.Code);
        Assert.Equal(ErrorKind.Forbidden, authorize.Error?.Kind);
        Assert.Equal(ErrorCodes.AccountDisabled, (await _backend.Accounts.RefreshAsync(_title, signIn.Tokens.RefreshToken)).Error?.Code);
        Assert.Equal(ErrorCodes.AccountDisabled, (await _backend.Accounts.SignInWithDeviceAsync(_title, deviceId, create: true)).Error?.Code);

        _backend.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await _backend.Accounts.SetDisabledAsync(_title.Id, signIn.PlayerId, disabled: false)).Value.Disabled);

        // Sessions from before the disable stay dead; a new sign-in works.
        Assert.Equal(ErrorCodes.SessionRevoked, (await _backend.Accounts.AuthorizeAsync(principal)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidRefreshToken, (await _backend.Accounts.RefreshAsync(_title, signIn.Tokens.RefreshToken)).Error?.Code);
        var again = (await _backend.Accounts.SignInWithDeviceAsync(_title, deviceId, create: false)).Value;
        var newPrincipal = (await _backend.Tokens.ValidateAsync(again.Tokens.AccessToken)).Value;
        Assert.True((await _backend.Accounts.AuthorizeAsync(newPrincipal)).IsSuccess);
        Assert.True((await _backend.Accounts.RefreshAsync(_title, again.Tokens.RefreshToken)).IsSuccess);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Accounts.SetDisabledAsync(_title.Id, Ids.NewId(_backend.Time), true)).Error?.Code);
    }

    [Fact]
    public async Task Bans_are_enforced_until_they_end_or_are_lifted()
    {
        var (signIn, principal) = await _backend.SignInNewDeviceAsync(_title);
        var until = _backend.Time.GetUtcNow().AddHours(1);

        var banned = (await _backend.Accounts.BanAsync(_title.Id, signIn.PlayerId, until, "cheating")).Value;
        Assert.Equal(until, banned.BannedUntil);
        Assert.Equal("cheating", banned.BanReason);

        var authorize = await _backend.Accounts.AuthorizeAsync(principal);
        Assert.Equal(ErrorCodes.AccountBanned, authorize.Error?.Code);
        Assert.Equal(ErrorKind.Forbidden, authorize.Error?.Kind);
        Assert.Equal(until, DateTimeOffset.Parse(authorize.Error!.Details!["until"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(ErrorCodes.AccountBanned, (await _backend.Accounts.RefreshAsync(_title, signIn.Tokens.RefreshToken)).Error?.Code);

        _backend.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        Assert.True((await _backend.Accounts.RefreshAsync(_title, signIn.Tokens.RefreshToken)).IsSuccess);

        await _backend.Accounts.BanAsync(_title.Id, signIn.PlayerId, _backend.Time.GetUtcNow().AddDays(1), null);
        var fresh = (await _backend.Tokens.ValidateAsync(_backend.Tokens.Issue(_title, signIn.PlayerId, principal.FamilyId).Token)).Value;
        Assert.Equal(ErrorCodes.AccountBanned, (await _backend.Accounts.AuthorizeAsync(fresh)).Error?.Code);
        var lifted = (await _backend.Accounts.BanAsync(_title.Id, signIn.PlayerId, null, "ignored")).Value;
        Assert.Null(lifted.BannedUntil);
        Assert.Null(lifted.BanReason);
        Assert.True((await _backend.Accounts.AuthorizeAsync(fresh)).IsSuccess);
    }

    [Fact]
    public async Task Ban_input_is_validated()
    {
        var (signIn, _) = await _backend.SignInNewDeviceAsync(_title);

        Assert.Equal(ErrorCodes.InvalidBanUntil, (await _backend.Accounts.BanAsync(_title.Id, signIn.PlayerId, _backend.Time.GetUtcNow(), null)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidBanReason, (await _backend.Accounts.BanAsync(_title.Id, signIn.PlayerId, _backend.Time.GetUtcNow().AddDays(1), new string('x', 257))).Error?.Code);
    }

    [Fact]
    public async Task Concurrent_admin_updates_are_not_lost()
    {
        var (signIn, _) = await _backend.SignInNewDeviceAsync(_title);
        var until = _backend.Time.GetUtcNow().AddDays(1);

        await Task.WhenAll(
            Task.Run(() => _backend.Accounts.BanAsync(_title.Id, signIn.PlayerId, until, "spam")),
            Task.Run(() => _backend.Accounts.SetDisabledAsync(_title.Id, signIn.PlayerId, true)),
            Task.Run(() => _backend.Accounts.LinkCustomIdAsync(_title.Id, signIn.PlayerId, "studio-1")));

        var account = (await _backend.Accounts.GetAccountAsync(_title.Id, signIn.PlayerId)).Value;
        Assert.Equal(until, account.BannedUntil);
        Assert.True(account.Disabled);
        Assert.Equal(2, account.Identities.Count);
    }

    [Fact]
    public async Task Linking_claims_the_identity_and_is_idempotent()
    {
        var (ann, annPrincipal) = await _backend.SignInNewDeviceAsync(_title);
        var (_, bobPrincipal) = await _backend.SignInNewDeviceAsync(_title);

        var linked = (await _backend.Accounts.LinkDeviceAsync(annPrincipal, "ann-second-phone")).Value;
        Assert.Equal(2, linked.Identities.Count);
        var again = (await _backend.Accounts.LinkDeviceAsync(annPrincipal, "ann-second-phone")).Value;
        Assert.Equal(2, again.Identities.Count);

        var stolen = await _backend.Accounts.LinkDeviceAsync(bobPrincipal, "ann-second-phone");
        Assert.Equal(ErrorCodes.IdentityInUse, stolen.Error?.Code);
        Assert.Equal(ErrorKind.Conflict, stolen.Error?.Kind);

        Assert.Equal(ann.PlayerId, (await _backend.Accounts.SignInWithDeviceAsync(_title, "ann-second-phone", create: false)).Value.PlayerId);
    }

    [Fact]
    public async Task Linking_an_email_lets_the_player_sign_in_with_it()
    {
        var (ann, annPrincipal) = await _backend.SignInNewDeviceAsync(_title);
        var (_, bobPrincipal) = await _backend.SignInNewDeviceAsync(_title);

        var linked = (await _backend.Accounts.LinkEmailAsync(annPrincipal, "Ann@Example.com", Password)).Value;

        Assert.Contains(linked.Identities, i => i is { Method: SignInMethod.Email, Subject: "ann@example.com" });
        Assert.Equal(ann.PlayerId, (await _backend.Accounts.SignInWithEmailAsync(_title, "ann@example.com", Password)).Value.PlayerId);
        Assert.Equal(ErrorCodes.IdentityInUse, (await _backend.Accounts.LinkEmailAsync(bobPrincipal, "ann@example.com", "bob's own password")).Error?.Code);
        Assert.Equal(ErrorCodes.EmailTaken, (await _backend.Accounts.SignUpWithEmailAsync(_title, "ann@example.com", "bob's own password")).Error?.Code);
        Assert.Equal(ErrorCodes.PasswordTooShort, (await _backend.Accounts.LinkEmailAsync(bobPrincipal, "bob@example.com", "short")).Error?.Code);
    }

    [Fact]
    public async Task Linking_a_custom_id_by_server()
    {
        var (ann, _) = await _backend.SignInNewDeviceAsync(_title);

        Assert.Equal(2, (await _backend.Accounts.LinkCustomIdAsync(_title.Id, ann.PlayerId, "studio:ann")).Value.Identities.Count);
        Assert.Equal(ann.PlayerId, (await _backend.Accounts.SignInWithCustomIdAsync(_title, "studio:ann", create: false)).Value.PlayerId);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Accounts.LinkCustomIdAsync(_title.Id, Ids.NewId(_backend.Time), "studio:nobody")).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidCustomId, (await _backend.Accounts.LinkCustomIdAsync(_title.Id, ann.PlayerId, "has space")).Error?.Code);
    }

    [Fact]
    public async Task Unlinking_frees_the_identity_but_never_the_last_one()
    {
        var (ann, annPrincipal) = await _backend.SignInNewDeviceAsync(_title);
        var (_, bobPrincipal) = await _backend.SignInNewDeviceAsync(_title);
        var firstDevice = (await _backend.Accounts.GetAccountAsync(_title.Id, ann.PlayerId)).Value.Identities[0].Subject;
        await _backend.Accounts.LinkEmailAsync(annPrincipal, "ann@example.com", Password);

        var unlinked = (await _backend.Accounts.UnlinkAsync(annPrincipal, SignInMethod.Device, firstDevice)).Value;
        Assert.Equal(SignInMethod.Email, Assert.Single(unlinked.Identities).Method);
        Assert.Equal(ErrorCodes.AccountNotFound, (await _backend.Accounts.SignInWithDeviceAsync(_title, firstDevice, create: false)).Error?.Code);
        Assert.True((await _backend.Accounts.LinkDeviceAsync(bobPrincipal, firstDevice)).IsSuccess);

        var last = await _backend.Accounts.UnlinkAsync(annPrincipal, SignInMethod.Email, "ANN@example.com");
        Assert.Equal(ErrorCodes.LastIdentity, last.Error?.Code);
        Assert.Equal(ErrorKind.Conflict, last.Error?.Kind);

        var notLinked = await _backend.Accounts.UnlinkAsync(annPrincipal, SignInMethod.Device, firstDevice);
        Assert.Equal(ErrorCodes.IdentityNotFound, notLinked.Error?.Code);
        Assert.Equal(ann.PlayerId, (await _backend.Accounts.SignInWithEmailAsync(_title, "ann@example.com", Password)).Value.PlayerId);
    }

    [Fact]
    public async Task Concurrent_links_of_one_device_by_two_players_give_it_to_one()
    {
        var (_, ann) = await _backend.SignInNewDeviceAsync(_title);
        var (_, bob) = await _backend.SignInNewDeviceAsync(_title);

        var results = await Task.WhenAll(
            Task.Run(() => _backend.Accounts.LinkDeviceAsync(ann, "contested-device")),
            Task.Run(() => _backend.Accounts.LinkDeviceAsync(bob, "contested-device")));

        Assert.Single(results, r => r.IsSuccess);
        Assert.Single(results, r => r.Error?.Code == ErrorCodes.IdentityInUse);
    }
}
