using GameBackend.Core.Common;
using GameBackend.Core.Moderation;
using GameBackend.Core.Storage;
using GameBackend.Core.Tenancy;
using GameBackend.Core.Tests.Support;

namespace GameBackend.Core.Tests.Moderation;

public sealed class ReportServiceTests : IAsyncLifetime
{
    private readonly TestBackend _backend = new();
    private ReportService _reports = null!;
    private Title _title = null!;

    public async Task InitializeAsync()
    {
        _title = await _backend.CreateTitleAsync();
        _reports = new ReportService(_backend.Store, _backend.Accounts, _backend.Time, maxReportsPerDay: 3);
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [Fact]
    public async Task A_report_is_open_in_the_queue_and_in_the_reported_players_list()
    {
        var reporter = await NewPlayerAsync();
        var reported = await NewPlayerAsync();

        var filed = (await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Cheating, "  aimbot in ranked  ")).Value;

        Assert.True(filed.Created);
        Assert.Equal(reporter, filed.Report.ReporterId);
        Assert.Equal(reported, filed.Report.ReportedPlayerId);
        Assert.Equal("aimbot in ranked", filed.Report.Comment);
        Assert.True(filed.Report.IsOpen);
        var open = (await _reports.ListOpenAsync(_title.Id, 10, null)).Value;
        Assert.Equal(filed.Report, Assert.Single(open.Items));
        var about = (await _reports.ListAboutPlayerAsync(_title.Id, reported, 10, null)).Value;
        Assert.Equal(filed.Report, Assert.Single(about.Items));
    }

    [Fact]
    public async Task Bad_reports_are_refused_and_write_nothing()
    {
        var reporter = await NewPlayerAsync();
        var reported = await NewPlayerAsync();
        var otherTitle = await _backend.CreateTitleAsync(name: "Other Game");
        var foreigner = (await _backend.SignInNewDeviceAsync(otherTitle)).SignIn.PlayerId;

        Assert.Equal(ErrorCodes.CannotReportSelf, (await _reports.FileAsync(_title.Id, reporter, reporter, ReportCategory.Spam, null)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _reports.FileAsync(_title.Id, reporter, Ids.NewId(_backend.Time), ReportCategory.Spam, null)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _reports.FileAsync(_title.Id, reporter, foreigner, ReportCategory.Spam, null)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _reports.FileAsync(_title.Id, reporter, "not-an-id", ReportCategory.Spam, null)).Error?.Code);
        var tooLong = await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Spam, new string('x', ReportService.MaxCommentLength + 1));
        Assert.Equal(ErrorCodes.InvalidReportComment, tooLong.Error?.Code);
        Assert.Equal(ErrorKind.Validation, tooLong.Error?.Kind);
        Assert.Equal(ErrorCodes.InvalidReportCategory, (await _reports.FileAsync(_title.Id, reporter, reported, (ReportCategory)42, null)).Error?.Code);

        Assert.Empty((await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items);
        Assert.Empty((await _reports.ListMadeByAsync(_title.Id, reporter)));

        // Exactly the limit is fine (counted in characters, not UTF-16 units).
        var emoji = string.Concat(Enumerable.Repeat("😀", ReportService.MaxCommentLength));
        Assert.True((await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Spam, emoji)).IsSuccess);
    }

    [Theory]
    [InlineData("cheating", ReportCategory.Cheating)]
    [InlineData("harassment", ReportCategory.Harassment)]
    [InlineData("offensive_name", ReportCategory.OffensiveName)]
    [InlineData("spam", ReportCategory.Spam)]
    [InlineData("other", ReportCategory.Other)]
    public void Categories_round_trip_their_wire_names(string name, ReportCategory category)
    {
        Assert.Equal(category, ReportService.ParseCategory(name).Value);
        Assert.Equal(name, ReportService.FormatCategory(category));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Cheating")]
    [InlineData("offensiveName")]
    public void Unknown_categories_are_invalid(string? name) =>
        Assert.Equal(ErrorCodes.InvalidReportCategory, ReportService.ParseCategory(name).Error?.Code);

    [Fact]
    public async Task Repeating_an_open_report_returns_it_and_counts_nothing()
    {
        var reporter = await NewPlayerAsync();
        var reported = await NewPlayerAsync();
        var first = (await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Harassment, "first")).Value;

        var again = (await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Spam, "second")).Value;

        Assert.False(again.Created);
        Assert.Equal(first.Report, again.Report);
        Assert.Single((await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items);

        // The repeat did not count: the cap of 3 still allows two more reports today.
        Assert.True((await _reports.FileAsync(_title.Id, reporter, await NewPlayerAsync(), ReportCategory.Spam, null)).IsSuccess);
        Assert.True((await _reports.FileAsync(_title.Id, reporter, await NewPlayerAsync(), ReportCategory.Spam, null)).IsSuccess);
    }

    [Fact]
    public async Task Concurrent_reports_of_one_pair_make_one_report()
    {
        var reporter = await NewPlayerAsync();
        var reported = await NewPlayerAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Cheating, null))));

        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Code));
        Assert.Single(results.Select(r => r.Value.Report.ReportId).Distinct());
        Assert.Single(results, r => r.Value.Created);
        Assert.Single((await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items);
    }

    [Fact]
    public async Task The_daily_cap_answers_429_until_the_next_utc_day()
    {
        var reporter = await NewPlayerAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await _reports.FileAsync(_title.Id, reporter, await NewPlayerAsync(), ReportCategory.Spam, null)).IsSuccess);
        }

        var capped = await _reports.FileAsync(_title.Id, reporter, await NewPlayerAsync(), ReportCategory.Spam, null);
        Assert.Equal(ErrorCodes.ReportLimitReached, capped.Error?.Code);
        Assert.Equal(ErrorKind.TooManyRequests, capped.Error?.Kind);
        Assert.Equal(3, (await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items.Count);

        _backend.Time.Advance(TimeSpan.FromDays(1));
        Assert.True((await _reports.FileAsync(_title.Id, reporter, await NewPlayerAsync(), ReportCategory.Spam, null)).IsSuccess);
    }

    [Fact]
    public async Task Concurrent_reports_cannot_pass_the_daily_cap()
    {
        var reporter = await NewPlayerAsync();
        var targets = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            targets.Add(await NewPlayerAsync());
        }

        var results = await Task.WhenAll(targets.Select(t => Task.Run(() => _reports.FileAsync(_title.Id, reporter, t, ReportCategory.Spam, null))));

        Assert.Equal(3, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.True(r.Error!.Code is ErrorCodes.ReportLimitReached or ErrorCodes.Contention, r.Error.Code));
        Assert.Equal(3, (await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items.Count);
    }

    [Fact]
    public async Task Banning_through_a_report_bans_the_account_and_closes_the_report()
    {
        var reporter = await NewPlayerAsync();
        var reported = await NewPlayerAsync();
        var report = (await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Cheating, null)).Value.Report;
        var until = _backend.Time.GetUtcNow().AddDays(7);

        var resolved = (await _reports.ResolveAsync(_title.Id, report.ReportId, ReportAction.Ban, until, "wallhack")).Value;

        Assert.Equal(ReportAction.Ban, resolved.Resolution?.Action);
        Assert.Equal(until, resolved.Resolution?.BanUntil);
        var account = (await _backend.Accounts.GetAccountAsync(_title.Id, reported)).Value;
        Assert.Equal(until, account.BannedUntil);
        Assert.Equal("wallhack", account.BanReason);
        Assert.Empty((await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items);
        Assert.Equal(resolved, Assert.Single((await _reports.ListAboutPlayerAsync(_title.Id, reported, 10, null)).Value.Items));

        // Resolving again changes nothing, and the reporter may report the player anew.
        var again = (await _reports.ResolveAsync(_title.Id, report.ReportId, ReportAction.Dismiss, null, null)).Value;
        Assert.Equal(resolved, again);
        var fresh = (await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Cheating, null)).Value;
        Assert.True(fresh.Created);
        Assert.NotEqual(report.ReportId, fresh.Report.ReportId);
    }

    [Fact]
    public async Task Dismissing_closes_the_report_without_touching_the_account()
    {
        var reporter = await NewPlayerAsync();
        var reported = await NewPlayerAsync();
        var report = (await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Spam, null)).Value.Report;

        var resolved = (await _reports.ResolveAsync(_title.Id, report.ReportId, ReportAction.Dismiss, null, "not spam")).Value;

        Assert.Equal(ReportAction.Dismiss, resolved.Resolution?.Action);
        Assert.Equal("not spam", resolved.Resolution?.Note);
        Assert.Null((await _backend.Accounts.GetAccountAsync(_title.Id, reported)).Value.BannedUntil);
        Assert.Empty((await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items);
    }

    [Fact]
    public async Task Bad_resolutions_are_refused_and_change_nothing()
    {
        var reporter = await NewPlayerAsync();
        var reported = await NewPlayerAsync();
        var report = (await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Spam, null)).Value.Report;
        var future = _backend.Time.GetUtcNow().AddDays(1);

        Assert.Equal(ErrorCodes.InvalidBanUntil, (await _reports.ResolveAsync(_title.Id, report.ReportId, ReportAction.Ban, null, null)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidBanUntil, (await _reports.ResolveAsync(_title.Id, report.ReportId, ReportAction.Ban, _backend.Time.GetUtcNow().AddDays(-1), null)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidBanUntil, (await _reports.ResolveAsync(_title.Id, report.ReportId, ReportAction.Dismiss, future, null)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidReportNote, (await _reports.ResolveAsync(_title.Id, report.ReportId, ReportAction.Dismiss, null, new string('n', 257))).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidReportAction, (await _reports.ResolveAsync(_title.Id, report.ReportId, (ReportAction)7, null, null)).Error?.Code);
        Assert.Equal(ErrorCodes.ReportNotFound, (await _reports.ResolveAsync(_title.Id, Ids.NewId(_backend.Time), ReportAction.Dismiss, null, null)).Error?.Code);
        Assert.Equal(ErrorCodes.ReportNotFound, (await _reports.ResolveAsync(_title.Id, "nope", ReportAction.Dismiss, null, null)).Error?.Code);

        var otherTitle = await _backend.CreateTitleAsync(name: "Other Game");
        Assert.Equal(ErrorCodes.ReportNotFound, (await _reports.ResolveAsync(otherTitle.Id, report.ReportId, ReportAction.Ban, future, null)).Error?.Code);

        Assert.Single((await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items);
        Assert.Null((await _backend.Accounts.GetAccountAsync(_title.Id, reported)).Value.BannedUntil);
    }

    [Fact]
    public async Task The_queue_pages_newest_first()
    {
        var reporter = await NewPlayerAsync();
        var filed = new List<string>();
        var reports = new ReportService(_backend.Store, _backend.Accounts, _backend.Time);
        for (var i = 0; i < 5; i++)
        {
            _backend.Time.Advance(TimeSpan.FromSeconds(1));
            filed.Add((await reports.FileAsync(_title.Id, reporter, await NewPlayerAsync(), ReportCategory.Other, null)).Value.Report.ReportId);
        }

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = (await reports.ListOpenAsync(_title.Id, 2, cursor)).Value;
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(r => r.ReportId));
            cursor = page.Cursor;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Reverse(filed), seen);
        Assert.Equal(ErrorCodes.InvalidReportPageLimit, (await reports.ListOpenAsync(_title.Id, 0, null)).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidReportPageLimit, (await reports.ListOpenAsync(_title.Id, 101, null)).Error?.Code);
        Assert.Empty((await reports.ListOpenAsync((await _backend.CreateTitleAsync(name: "Other")).Id, 10, null)).Value.Items);
    }

    [Fact]
    public async Task Listing_an_unknown_players_reports_is_404()
    {
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _reports.ListAboutPlayerAsync(_title.Id, Ids.NewId(_backend.Time), 10, null)).Error?.Code);
        Assert.Equal(ErrorCodes.PlayerNotFound, (await _reports.ListAboutPlayerAsync(_title.Id, "x", 10, null)).Error?.Code);
        Assert.Empty((await _reports.ListAboutPlayerAsync(_title.Id, await NewPlayerAsync(), 10, null)).Value.Items);
    }

    [Fact]
    public async Task A_filing_that_crashed_after_its_first_step_is_finished_by_the_repeat()
    {
        var reporter = await NewPlayerAsync();
        var reported = await NewPlayerAsync();
        var report = (await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Cheating, null)).Value.Report;

        // Undo steps 2 and 3, as if the process died right after the reporter's transaction.
        foreach (var key in new[] { new ItemKey(_title.Id, "reports/open", report.ReportId), new ItemKey(_title.Id, "reports/player/" + reported, report.ReportId) })
        {
            var item = await _backend.Store.GetAsync(key);
            Assert.True((await _backend.Store.DeleteAsync(key, item!.Version)).Succeeded);
        }

        Assert.Empty((await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items);

        var repeated = (await _reports.FileAsync(_title.Id, reporter, reported, ReportCategory.Cheating, null)).Value;

        Assert.False(repeated.Created);
        Assert.Equal(report, Assert.Single((await _reports.ListOpenAsync(_title.Id, 10, null)).Value.Items));
        Assert.Equal(report, Assert.Single((await _reports.ListAboutPlayerAsync(_title.Id, reported, 10, null)).Value.Items));
    }

    private async Task<string> NewPlayerAsync() => (await _backend.SignInNewDeviceAsync(_title)).SignIn.PlayerId;
}
