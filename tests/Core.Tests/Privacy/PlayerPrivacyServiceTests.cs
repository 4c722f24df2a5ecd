using System.Text.Json;
using System.Text.Json.Nodes;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Moderation;
using GameBackend.Core.Privacy;
using GameBackend.Core.Privacy.Contributors;
using GameBackend.Core.Profiles;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Privacy;

public sealed class PlayerPrivacyServiceTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();
    private ReportService _reports = null!;
    private PlayerPrivacyService _privacy = null!;
    private Title _title = null!;

    public async Task InitializeAsync()
    {
        _title = await _backend.CreateTitleAsync(new TitleSettings { UniqueDisplayNames = true });
        _reports = new ReportService(_backend.Store, _backend.Accounts, _backend.Time);
        _privacy = NewPrivacy();
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task The_export_holds_the_players_data_and_nothing_of_anyone_else()
    {
        var player = await SignInAsync("device-export-player-1");
        var other = await SignInAsync("device-export-other-1");
        await _backend.Accounts.LinkEmailAsync(player.Principal, "ada@example.com", "correct horse battery");
        await _backend.Profiles.UpdateAsync(_title.Id, player.PlayerId, new ProfileUpdate("Ada", "https://cdn.example.com/ada.png", "en-GB", null), null);
        await _backend.Profiles.UpdateAsync(_title.Id, other.PlayerId, new ProfileUpdate("Grace", null, null, null), null);
        await _reports.FileAsync(_title.Id, player.PlayerId, other.PlayerId, ReportCategory.Spam, "spams the lobby");
        await _reports.FileAsync(_title.Id, other.PlayerId, player.PlayerId, ReportCategory.Harassment, "secret words of the reporter");

        var export = (await _privacy.ExportAsync(_title.Id, player.PlayerId)).Value;

        Assert.Equal(player.PlayerId, export.PlayerId);
        Assert.Equal(_title.Id, export.TitleId);
        Assert.Equal(["account", "profile", "reports"], export.Sections.Select(s => s.Key));
        var account = export.Sections["account"]!;
        var identities = account["identities"]!.AsArray();
        Assert.Contains(identities, i => (string?)i!["subject"] == "device-export-player-1" && (string?)i["method"] == "device");
        Assert.Contains(identities, i => (string?)i!["subject"] == "ada@example.com" && (bool)i["hasPassword"]!);
        Assert.NotEmpty(account["sessions"]!.AsArray());
        Assert.Equal("Ada", (string?)export.Sections["profile"]!["displayName"]);
        var reports = export.Sections["reports"]!;
        Assert.Equal("spams the lobby", (string?)reports["filed"]![0]!["comment"]);
        Assert.Equal("harassment", (string?)reports["received"]![0]!["category"]);

        var text = export.Sections.ToJsonString();
        Assert.DoesNotContain("device-export-other-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Grace", text, StringComparison.Ordinal);
        Assert.DoesNotContain("secret words of the reporter", text, StringComparison.Ordinal);
        Assert.DoesNotContain("$argon2", text, StringComparison.Ordinal);
        Assert.Equal(1, CountOccurrences(text, other.PlayerId)); // only as the player they reported
    }

    [Fact]
    public async Task Unknown_foreign_and_erased_players_have_no_export()
    {
        var player = await SignInAsync();
        var otherTitle = await _backend.CreateTitleAsync(name: "Other Game");

        Assert.Equal(ErrorCodes.PlayerNotFound, (await _privacy.ExportAsync(_title.Id, Ids.NewId(_backend.Time))).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _privacy.ExportAsync(_title.Id, "nope")).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _privacy.ExportAsync(otherTitle.Id, player.PlayerId)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _privacy.EraseAsync(otherTitle.Id, player.PlayerId)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _privacy.EraseAsync(_title.Id, Ids.NewId(_backend.Time))).Error?.Code);

        Assert.True((await _privacy.EraseAsync(_title.Id, player.PlayerId)).IsSuccess);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _privacy.ExportAsync(_title.Id, player.PlayerId)).Error?.Code);
    }

    [Fact]
    public async Task Erasure_leaves_only_a_tombstone_and_every_token_fails()
    {
        var player = await SignInAsync("device-erase-1");
        await _backend.Accounts.LinkEmailAsync(player.Principal, "erase@example.com", "correct horse battery");
        await _backend.Profiles.UpdateAsync(_title.Id, player.PlayerId, new ProfileUpdate("Eraseme", null, null, null), null);

        var erased = (await _privacy.EraseAsync(_title.Id, player.PlayerId)).Value;

        Assert.False(erased.AlreadyErased);
        Assert.Equal(ErrorCodes.InvalidToken, (await _backend.Accounts.AuthorizeAsync(player.Principal)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidRefreshToken, (await _backend.Accounts.RefreshAsync(_title, player.RefreshToken)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Accounts.GetAccountAsync(_title.Id, player.PlayerId)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Profiles.GetAsync(_title.Id, player.PlayerId)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidCredentials, (await _backend.Accounts.SignInWithEmailAsync(_title, "erase@example.com", "correct horse battery")).Error?.Code);

        var left = await _backend.Store.QueryAsync(new Query(_title.Id, "player/" + player.PlayerId, SortKeyCondition.All));
        var tombstone = Assert.Single(left.Items);
        Assert.Equal("tombstone", tombstone.Key.SortKey);
        Assert.Null(await _backend.Store.GetAsync(new ItemKey(_title.Id, "identity/device/device-erase-1", "link")));
        Assert.Null(await _backend.Store.GetAsync(new ItemKey(_title.Id, "identity/email/erase@example.com", "link")));
        Assert.Null(await _backend.Store.GetAsync(new ItemKey(_title.Id, "display-name/eraseme", "owner")));
    }

    [Fact]
    public async Task Signing_in_again_with_an_erased_identity_makes_a_new_player()
    {
        var player = await SignInAsync("device-comeback-1");
        await _privacy.EraseAsync(_title.Id, player.PlayerId);

        var again = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-comeback-1", create: true)).Value;
        Assert.True(again.Created);
        Assert.NotEqual(player.PlayerId, again.PlayerId);
        Assert.Equal(ErrorCodes.AccountNotFound, (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-never-seen", create: false)).Error?.Code);

        // The email may sign up afresh too.
        Assert.True((await _backend.Accounts.SignUpWithEmailAsync(_title, "comeback@example.com", "correct horse battery")).IsSuccess);
    }

    [Fact]
    public async Task A_link_that_outlived_its_erased_player_cannot_bring_them_back()
    {
        var player = await SignInAsync("device-leftover-1");
        await _privacy.EraseAsync(_title.Id, player.PlayerId);

        // As if a sign-in had claimed the link just before the erasure and written it back after (or a crash kept it).
        var link = JsonSerializer.SerializeToUtf8Bytes(new { playerId = player.PlayerId, createdAt = _backend.Time.GetUtcNow() });
        Assert.True((await _backend.Store.CreateAsync(new NewItem(new ItemKey(_title.Id, "identity/device/device-leftover-1", "link"), link))).Succeeded);

        Assert.Equal(ErrorCodes.AccountNotFound, (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-leftover-1", create: false)).Error?.Code);
        var again = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-leftover-1", create: true)).Value;

        Assert.True(again.Created);
        Assert.NotEqual(player.PlayerId, again.PlayerId);
        Assert.Null(await _backend.Store.GetAsync(AccountService.AccountKey(_title.Id, player.PlayerId)));
    }

    [Fact]
    public async Task Replayed_requests_about_an_erased_player_recreate_nothing()
    {
        var player = await SignInAsync();
        var reporter = await SignInAsync();
        await _privacy.EraseAsync(_title.Id, player.PlayerId);

        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Profiles.UpdateAsync(_title.Id, player.PlayerId, new ProfileUpdate("Zombie", null, null, null), null)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Accounts.BanAsync(_title.Id, player.PlayerId, _backend.Time.GetUtcNow().AddDays(1), null)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Accounts.SetDisabledAsync(_title.Id, player.PlayerId, false)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Accounts.LinkCustomIdAsync(_title.Id, player.PlayerId, "studio-42")).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _backend.Accounts.LinkDeviceAsync(player.Principal, "device-zombie-1")).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _reports.FileAsync(_title.Id, reporter.PlayerId, player.PlayerId, ReportCategory.Spam, null)).Error?.Code);

        var left = await _backend.Store.QueryAsync(new Query(_title.Id, "player/" + player.PlayerId, SortKeyCondition.All));
        Assert.Equal("tombstone", Assert.Single(left.Items).Key.SortKey);
        Assert.Null(await _backend.Store.GetAsync(new ItemKey(_title.Id, "identity/custom/studio-42", "link")));
        Assert.Null(await _backend.Store.GetAsync(new ItemKey(_title.Id, "identity/device/device-zombie-1", "link")));
        Assert.Null(await _backend.Store.GetAsync(new ItemKey(_title.Id, "display-name/zombie", "owner")));
    }

    [Fact]
    public async Task Sign_ins_racing_the_erasure_never_bring_the_player_back()
    {
        var player = await SignInAsync("device-race-1");

        var signIns = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var results = new List<Result<SignInResult>>();
            for (var i = 0; i < 5; i++)
            {
                results.Add(await _backend.Accounts.SignInWithDeviceAsync(_title, "device-race-1", create: true));
            }

            return results;
        })).ToArray();
        var erasure = Task.Run(() => _privacy.EraseAsync(_title.Id, player.PlayerId));
        await Task.WhenAll(signIns);
        Assert.True((await erasure).IsSuccess);

        var outcomes = signIns.SelectMany(t => t.Result).ToArray();
        Assert.All(outcomes, r => Assert.True(r.IsSuccess || r.Error!.Code is ErrorCodes.AccountDisabled or ErrorCodes.Contention, r.Error?.Code));
        var newPlayers = outcomes.Where(r => r.IsSuccess && r.Value.PlayerId != player.PlayerId).Select(r => r.Value.PlayerId).Distinct().ToArray();
        Assert.True(newPlayers.Length <= 1, "concurrent sign-ins made more than one new player");

        // Whatever interleaving happened, the erased player is gone and the device now names someone else.
        Assert.Null(await _backend.Store.GetAsync(AccountService.AccountKey(_title.Id, player.PlayerId)));
        var after = (await _backend.Accounts.SignInWithDeviceAsync(_title, "device-race-1", create: true)).Value;
        Assert.NotEqual(player.PlayerId, after.PlayerId);
        Assert.True(newPlayers.Length == 0 || newPlayers[0] == after.PlayerId);
        Assert.Equal("tombstone", Assert.Single((await _backend.Store.QueryAsync(new Query(_title.Id, "player/" + player.PlayerId, SortKeyCondition.All))).Items).Key.SortKey);
    }

    [Fact]
    public async Task Erasing_again_is_harmless_and_keeps_the_first_time()
    {
        var player = await SignInAsync();
        var first = (await _privacy.EraseAsync(_title.Id, player.PlayerId)).Value;
        _backend.Time.Advance(TimeSpan.FromMinutes(5));

        var second = (await _privacy.EraseAsync(_title.Id, player.PlayerId)).Value;

        Assert.True(second.AlreadyErased);
        Assert.Equal(first.ErasedAt, second.ErasedAt);
    }

    [Fact]
    public async Task An_erasure_cut_short_is_finished_by_running_it_again()
    {
        var player = await SignInAsync("device-crash-1");
        await _backend.Profiles.UpdateAsync(_title.Id, player.PlayerId, new ProfileUpdate("Crashy", null, null, null), null);
        var crashing = new CrashOnceContributor();
        var privacy = NewPrivacy(crashing);

        await Assert.ThrowsAsync<IOException>(() => privacy.EraseAsync(_title.Id, player.PlayerId));

        // Part-way: no session works, the player cannot sign in, and nothing is exported any more.
        Assert.Equal(ErrorCodes.AccountDisabled, (await _backend.Accounts.AuthorizeAsync(player.Principal)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await privacy.ExportAsync(_title.Id, player.PlayerId)).Error?.Code);

        var finished = (await privacy.EraseAsync(_title.Id, player.PlayerId)).Value;

        Assert.False(finished.AlreadyErased);
        Assert.Equal(ErrorCodes.InvalidToken, (await _backend.Accounts.AuthorizeAsync(player.Principal)).Error?.Code);
        var left = await _backend.Store.QueryAsync(new Query(_title.Id, "player/" + player.PlayerId, SortKeyCondition.All));
        Assert.Equal("tombstone", Assert.Single(left.Items).Key.SortKey);
        Assert.True((await _backend.Accounts.SignInWithDeviceAsync(_title, "device-crash-1", create: true)).Value.Created);
    }

    [Fact]
    public async Task Reports_filed_by_an_erased_player_stay_without_their_name_and_reports_about_them_leave_the_queue()
    {
        var erased = await SignInAsync();
        var other = await SignInAsync();
        var third = await SignInAsync();
        var filed = (await _reports.FileAsync(_title.Id, erased.PlayerId, other.PlayerId, ReportCategory.Cheating, "my own words")).Value.Report;
        var resolvedFiled = (await _reports.FileAsync(_title.Id, erased.PlayerId, third.PlayerId, ReportCategory.Spam, "more words")).Value.Report;
        await _reports.ResolveAsync(_title.Id, resolvedFiled.ReportId, ReportAction.Dismiss, null, null);
        var about = (await _reports.FileAsync(_title.Id, other.PlayerId, erased.PlayerId, ReportCategory.Harassment, "they were rude")).Value.Report;

        await _privacy.EraseAsync(_title.Id, erased.PlayerId);

        var queue = (await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items;
        var stillOpen = Assert.Single(queue);
        Assert.Equal(filed.ReportId, stillOpen.ReportId);
        Assert.Null(stillOpen.ReporterId);
        Assert.Null(stillOpen.Comment);
        var resolvedCopy = Assert.Single((await _reports.ListAboutPlayerAsync(_title.Id, third.PlayerId, 10, null)).Value.Items);
        Assert.Null(resolvedCopy.ReporterId);
        Assert.Null(resolvedCopy.Comment);

        var kept = Assert.Single((await _reports.ListAboutPlayerAsync(_title.Id, erased.PlayerId, 10, null)).Value.Items);
        Assert.Equal(about.ReportId, kept.ReportId);
        Assert.Equal(ReportAction.Dismiss, kept.Resolution?.Action);
        Assert.Equal(ModerationDataContributor.ErasedNote, kept.Resolution?.Note);
        Assert.Empty(await _reports.ListMadeByAsync(_title.Id, erased.PlayerId));

        // The anonymous report can still be acted on.
        var banned = await _reports.ResolveAsync(_title.Id, filed.ReportId, ReportAction.Ban, _backend.Time.GetUtcNow().AddDays(1), null);
        Assert.True(banned.IsSuccess, banned.Error?.Code);
        Assert.Null(banned.Value.ReporterId);
    }

    [Fact]
    public void Two_contributors_cannot_fill_one_section() =>
        Assert.Throws<ArgumentException>(() => new PlayerPrivacyService(
            _backend.Store, _backend.Accounts, [new ProfileDataContributor(_backend.Store), new ProfileDataContributor(_backend.Store)], _backend.Time));

    private PlayerPrivacyService NewPrivacy(params IPlayerDataContributor[] extra) => new(
        _backend.Store,
        _backend.Accounts,
        [new AccountDataContributor(_backend.Store), new ProfileDataContributor(_backend.Store), new ModerationDataContributor(_reports), .. extra],
        _backend.Time);

    private async Task<SignedIn> SignInAsync(string? deviceId = null)
    {
        var signIn = (await _backend.Accounts.SignInWithDeviceAsync(_title, deviceId ?? "device-" + Guid.NewGuid().ToString("N"), create: true)).Value;
        var principal = (await _backend.Tokens.ValidateAsync(signIn.Tokens.AccessToken)).Value;
        return new SignedIn(signIn.PlayerId, principal, signIn.Tokens.RefreshToken);
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private sealed record SignedIn(string PlayerId, PlayerPrincipal Principal, string RefreshToken);

    /// <summary>Fails its first erasure, as a process dying part-way would.</summary>
    private sealed class CrashOnceContributor : IPlayerDataContributor
    {
        private int _erasures;

        public string Section => "crash";

        public Task<JsonNode?> ExportAsync(string titleId, string playerId, CancellationToken ct) => Task.FromResult<JsonNode?>(null);

        public Task EraseAsync(string titleId, string playerId, CancellationToken ct) =>
            Interlocked.Increment(ref _erasures) == 1 ? throw new IOException("The process died.") : Task.CompletedTask;
    }
}
