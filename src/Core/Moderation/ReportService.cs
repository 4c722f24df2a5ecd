using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using GameBackend.Core.Accounts;
using GameBackend.Core.Common;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Moderation;

/// <summary>Players report other players; moderators (the studio's server key) list reports and resolve them, banning if needed.</summary>
/// <remarks>
/// <para>Storage. A transaction stays inside one partition, so filing a report is ordered steps, each idempotent:</para>
/// <list type="number">
/// <item>in the reporter's partition "player/{reporterId}/reports", one transaction creates the claim
/// "open/{reportedId}" (holding the whole report: one open report per pair), the index entry "made/{reportId}", and
/// counts the report against the reporter's day ("day/{yyyyMMdd}"), so the cap holds under concurrency;</item>
/// <item>the report at "reports/player/{reportedId}" (the source of truth: what moderators read about a player);</item>
/// <item>the report at "reports/open" (the moderators' queue, newest first because report ids are UUIDv7).</item>
/// </list>
/// <para>A process that dies after step 1 leaves a claim without the rest; the reporter's repeat (which clients make
/// when they got no answer) finds the claim and finishes steps 2 and 3. Resolving writes the resolution to the
/// per-player item and "reports/resolved" first and removes the queue entry and the claim last, so a crash leaves
/// the report in the queue and resolving it again finishes the job (a ban is idempotent).</para>
/// </remarks>
public sealed class ReportService
{
    public const int DefaultMaxReportsPerDay = 20;
    public const int MaxCommentLength = 500;
    public const int MaxNoteLength = AccountService.MaxBanReasonLength;
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 100;

    internal const string OpenPartition = "reports/open";
    internal const string ResolvedPartition = "reports/resolved";

    private const int MaxWriteAttempts = 8;
    private const string ClaimPrefix = "open/";
    private const string MadePrefix = "made/";
    private const string DayPrefix = "day/";

    private readonly IDocumentStore _store;
    private readonly AccountService _accounts;
    private readonly TimeProvider _time;
    private readonly int _maxReportsPerDay;

    public ReportService(IDocumentStore store, AccountService accounts, TimeProvider time, int maxReportsPerDay = DefaultMaxReportsPerDay)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _accounts = accounts ?? throw new ArgumentNullException(nameof(accounts));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxReportsPerDay, 1);
        _maxReportsPerDay = maxReportsPerDay;
    }

    /// <summary>"cheating", "harassment", "offensive_name", "spam" or "other" (the API's spelling), or "invalid_report_category".</summary>
    public static Result<ReportCategory> ParseCategory(string? category) => category switch
    {
        "cheating" => ReportCategory.Cheating,
        "harassment" => ReportCategory.Harassment,
        "offensive_name" => ReportCategory.OffensiveName,
        "spam" => ReportCategory.Spam,
        "other" => ReportCategory.Other,
        _ => Error.Validation(ErrorCodes.InvalidReportCategory, "The category is one of cheating, harassment, offensive_name, spam or other."),
    };

    public static string FormatCategory(ReportCategory category) => category switch
    {
        ReportCategory.Cheating => "cheating",
        ReportCategory.Harassment => "harassment",
        ReportCategory.OffensiveName => "offensive_name",
        ReportCategory.Spam => "spam",
        _ => "other",
    };

    /// <summary>"dismiss" or "ban", or "invalid_report_action".</summary>
    public static Result<ReportAction> ParseAction(string? action) => action switch
    {
        "dismiss" => ReportAction.Dismiss,
        "ban" => ReportAction.Ban,
        _ => Error.Validation(ErrorCodes.InvalidReportAction, "The action is dismiss or ban."),
    };

    public static string FormatAction(ReportAction action) => action == ReportAction.Ban ? "ban" : "dismiss";

    /// <summary>
    /// Files a report. Repeating it while the reporter's earlier report about the same player is open returns that
    /// report unchanged (and counts nothing), so a client may retry freely.
    /// </summary>
    public async Task<Result<FiledReport>> FileAsync(
        string titleId, string reporterId, string reportedPlayerId, ReportCategory category, string? comment, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(titleId);
        ArgumentNullException.ThrowIfNull(reporterId);
        if (string.Equals(reporterId, reportedPlayerId, StringComparison.Ordinal))
        {
            return Error.Validation(ErrorCodes.CannotReportSelf, "A player cannot report themselves.");
        }

        if (!Enum.IsDefined(category))
        {
            return ParseCategory(null).Error!;
        }

        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment is not null && comment.EnumerateRunes().Count() > MaxCommentLength)
        {
            return Error.Validation(ErrorCodes.InvalidReportComment, $"A report comment has at most {MaxCommentLength} characters.");
        }

        var reported = await _accounts.GetAccountAsync(titleId, reportedPlayerId ?? string.Empty, ct);
        if (!reported.IsSuccess)
        {
            return reported.Error;
        }

        var claimKey = ClaimKey(titleId, reporterId, reportedPlayerId!);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            if (await _store.GetAsync(claimKey, ct) is { } claimItem)
            {
                var existing = Deserialize(claimItem, StoredDocumentJsonContext.Default.ReportDocument);
                await PublishAsync(titleId, existing, ct);
                return new FiledReport(existing.ToReport(), Created: false);
            }

            var now = _time.GetUtcNow();
            var dayKey = DayKey(titleId, reporterId, now);
            var dayItem = await _store.GetAsync(dayKey, ct);
            var filedToday = dayItem is null ? 0 : Deserialize(dayItem, StoredDocumentJsonContext.Default.ReportDayCountDocument).Count;
            if (filedToday >= _maxReportsPerDay)
            {
                return Error.TooManyRequests(ErrorCodes.ReportLimitReached, $"A player may file at most {_maxReportsPerDay} reports a day (UTC).");
            }

            var report = new ReportDocument(Ids.NewId(_time), reporterId, reportedPlayerId!, category, comment, now, null);
            var counted = new NewItem(
                dayKey,
                Serialize(new ReportDayCountDocument(filedToday + 1), StoredDocumentJsonContext.Default.ReportDayCountDocument),
                new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(2));
            var transaction = new Transaction(
            [
                new TransactionOperation.Create(new NewItem(claimKey, Serialize(report, StoredDocumentJsonContext.Default.ReportDocument))),
                new TransactionOperation.Create(new NewItem(
                    MadeKey(titleId, reporterId, report.ReportId),
                    Serialize(new MadeReportDocument(reportedPlayerId!, now), StoredDocumentJsonContext.Default.MadeReportDocument))),
                dayItem is null ? new TransactionOperation.Create(counted) : new TransactionOperation.Replace(counted, dayItem.Version),
            ]);
            if ((await _store.TransactAsync(transaction, ct)).Committed)
            {
                await PublishAsync(titleId, report, ct);
                return new FiledReport(report.ToReport(), Created: true);
            }

            // Lost a race with a concurrent report by the same reporter: re-read the claim and the count.
        }

        return Contention();
    }

    /// <summary>The moderators' queue: open reports, newest first. A cursor not made for this list throws <see cref="InvalidContinuationTokenException"/>.</summary>
    public async Task<Result<ReportPage>> ListOpenAsync(string titleId, int limit, string? cursor, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return PageLimitError();
        }

        return await ReadPageAsync(new Query(titleId, OpenPartition, SortKeyCondition.All, Descending: true, Limit: limit, ContinuationToken: cursor), ct);
    }

    /// <summary>
    /// Every report about a player, open and resolved, newest first. "player_not_found" only when the player has
    /// neither an account nor reports: reports about an erased player are kept (see docs/privacy.md).
    /// </summary>
    public async Task<Result<ReportPage>> ListAboutPlayerAsync(string titleId, string playerId, int limit, string? cursor, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return PageLimitError();
        }

        if (!Ids.IsWellFormed(playerId))
        {
            return PlayerNotFound();
        }

        var page = await ReadPageAsync(new Query(titleId, AboutPartition(playerId), SortKeyCondition.All, Descending: true, Limit: limit, ContinuationToken: cursor), ct);
        if (page.Items.Count == 0 && cursor is null && !(await _accounts.GetAccountAsync(titleId, playerId, ct)).IsSuccess)
        {
            return PlayerNotFound();
        }

        return page;
    }

    /// <summary>
    /// Closes an open report: "ban" bans the reported player through <see cref="AccountService.BanAsync"/> until
    /// <paramref name="banUntil"/> (the note becomes the ban reason); "dismiss" takes no action. Resolving a report that
    /// is already resolved returns it unchanged, so a retried call cannot ban twice or rewrite history.
    /// </summary>
    public async Task<Result<Report>> ResolveAsync(
        string titleId, string reportId, ReportAction action, DateTimeOffset? banUntil, string? note, CancellationToken ct = default)
    {
        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is not null && note.EnumerateRunes().Count() > MaxNoteLength)
        {
            return Error.Validation(ErrorCodes.InvalidReportNote, $"A resolution note has at most {MaxNoteLength} characters.");
        }

        if (!Enum.IsDefined(action))
        {
            return ParseAction(null).Error!;
        }

        if (action == ReportAction.Ban ? banUntil is null : banUntil is not null)
        {
            return Error.Validation(ErrorCodes.InvalidBanUntil, "A ban needs banUntil (a time in the future); a dismissal takes none.");
        }

        if (!Ids.IsWellFormed(reportId))
        {
            return ReportNotFound();
        }

        var openItem = await _store.GetAsync(new ItemKey(titleId, OpenPartition, reportId), ct);
        if (openItem is null)
        {
            var resolvedItem = await _store.GetAsync(new ItemKey(titleId, ResolvedPartition, reportId), ct);
            return resolvedItem is null ? ReportNotFound() : Deserialize(resolvedItem, StoredDocumentJsonContext.Default.ReportDocument).ToReport();
        }

        var report = Deserialize(openItem, StoredDocumentJsonContext.Default.ReportDocument);
        if (action == ReportAction.Ban)
        {
            var banned = await _accounts.BanAsync(titleId, report.ReportedPlayerId, banUntil, note, ct);
            if (!banned.IsSuccess)
            {
                return banned.Error;
            }
        }

        var resolved = report with { Resolution = new ReportResolutionDocument(action, _time.GetUtcNow(), banUntil, note) };
        return await CloseAsync(titleId, resolved, ct);
    }

    /// <summary>For the GDPR export: every report the player filed (their own words), oldest first.</summary>
    public async Task<IReadOnlyList<Report>> ListMadeByAsync(string titleId, string playerId, CancellationToken ct = default)
    {
        var reports = new List<Report>();
        foreach (var (reportId, made) in await ReadMadeIndexAsync(titleId, playerId, ct))
        {
            var item = await _store.GetAsync(new ItemKey(titleId, AboutPartition(made.ReportedPlayerId), reportId), ct)
                ?? await _store.GetAsync(ClaimKey(titleId, playerId, made.ReportedPlayerId), ct);
            if (item is not null && Deserialize(item, StoredDocumentJsonContext.Default.ReportDocument) is { } report && report.ReportId == reportId)
            {
                reports.Add(report.ToReport());
            }
        }

        return reports;
    }

    /// <summary>For the GDPR export and erasure: every report about the player, oldest first.</summary>
    public async Task<IReadOnlyList<Report>> ListAllAboutAsync(string titleId, string playerId, CancellationToken ct = default)
    {
        var reports = new List<Report>();
        string? token = null;
        do
        {
            var page = await _store.QueryAsync(new Query(titleId, AboutPartition(playerId), SortKeyCondition.All, Limit: Query.MaxLimit, ContinuationToken: token), ct);
            reports.AddRange(page.Items.Select(i => Deserialize(i, StoredDocumentJsonContext.Default.ReportDocument).ToReport()));
            token = page.ContinuationToken;
        }
        while (token is not null);

        return reports;
    }

    /// <summary>
    /// GDPR erasure of a reporter: every report they filed loses its link to them (reporter id and comment, their own
    /// words) in every copy, then their reporting bookkeeping (claims, index, day counts) is deleted. The reports stay,
    /// anonymous, because they are evidence about other players. Idempotent; safe to re-run after a crash.
    /// </summary>
    public async Task AnonymizeReporterAsync(string titleId, string playerId, CancellationToken ct = default)
    {
        foreach (var (reportId, made) in await ReadMadeIndexAsync(titleId, playerId, ct))
        {
            ItemKey[] copies =
            [
                new(titleId, AboutPartition(made.ReportedPlayerId), reportId),
                new(titleId, OpenPartition, reportId),
                new(titleId, ResolvedPartition, reportId),
            ];
            foreach (var key in copies)
            {
                await UpdateIfPresentAsync(key, r => r.ReporterId is null ? r : r with { ReporterId = null, Comment = null }, ct);
            }
        }

        await DeleteAllAsync(titleId, ReporterPartition(playerId), ct);
    }

    /// <summary>
    /// GDPR erasure of a reported player: their open reports leave the moderators' queue, dismissed with a note,
    /// since no one is left to act on. The reports themselves are kept (see docs/privacy.md). Idempotent.
    /// </summary>
    public async Task CloseOpenReportsAboutAsync(string titleId, string playerId, string note, CancellationToken ct = default)
    {
        foreach (var report in await ListAllAboutAsync(titleId, playerId, ct))
        {
            if (report.IsOpen || await _store.GetAsync(new ItemKey(titleId, OpenPartition, report.ReportId), ct) is not null)
            {
                var closed = new ReportDocument(report.ReportId, report.ReporterId, report.ReportedPlayerId, report.Category, report.Comment, report.CreatedAt,
                    report.Resolution is { } r ? new ReportResolutionDocument(r.Action, r.ResolvedAt, r.BanUntil, r.Note)
                        : new ReportResolutionDocument(ReportAction.Dismiss, _time.GetUtcNow(), null, note));
                await CloseAsync(titleId, closed, ct);
            }
        }
    }

    /// <summary>Writes the resolution everywhere, then takes the report out of the queue and frees the reporter's claim.</summary>
    private async Task<Result<Report>> CloseAsync(string titleId, ReportDocument resolved, CancellationToken ct)
    {
        // Keep a reporter anonymized meanwhile anonymous: the per-player item is the truth for who reported.
        var aboutKey = new ItemKey(titleId, AboutPartition(resolved.ReportedPlayerId), resolved.ReportId);
        if (await _store.GetAsync(aboutKey, ct) is { } current && Deserialize(current, StoredDocumentJsonContext.Default.ReportDocument).ReporterId is null)
        {
            resolved = resolved with { ReporterId = null, Comment = null };
        }

        await PutAsync(aboutKey, resolved, ct);
        await PutAsync(new ItemKey(titleId, ResolvedPartition, resolved.ReportId), resolved, ct);
        if (resolved.ReporterId is { } reporterId)
        {
            var claimKey = ClaimKey(titleId, reporterId, resolved.ReportedPlayerId);
            var claim = await _store.GetAsync(claimKey, ct);
            if (claim is not null && Deserialize(claim, StoredDocumentJsonContext.Default.ReportDocument).ReportId == resolved.ReportId)
            {
                await _store.DeleteAsync(claimKey, claim.Version, ct);
            }
        }

        var openKey = new ItemKey(titleId, OpenPartition, resolved.ReportId);
        if (await _store.GetAsync(openKey, ct) is { } open)
        {
            await _store.DeleteAsync(openKey, open.Version, ct);
        }

        return resolved.ToReport();
    }

    /// <summary>
    /// Steps 2 and 3 of filing, for a report whose claim exists: create-if-absent, so repeating them is harmless. The
    /// queue entry is made only while the report is still open, so a late repeat cannot put a resolved report back.
    /// </summary>
    private async Task PublishAsync(string titleId, ReportDocument report, CancellationToken ct)
    {
        var aboutKey = new ItemKey(titleId, AboutPartition(report.ReportedPlayerId), report.ReportId);
        var about = await _store.GetAsync(aboutKey, ct);
        if (about is null)
        {
            await _store.CreateAsync(new NewItem(aboutKey, Serialize(report, StoredDocumentJsonContext.Default.ReportDocument)), ct);
        }
        else if (Deserialize(about, StoredDocumentJsonContext.Default.ReportDocument).Resolution is not null)
        {
            return;
        }

        await _store.CreateAsync(new NewItem(new ItemKey(titleId, OpenPartition, report.ReportId), Serialize(report, StoredDocumentJsonContext.Default.ReportDocument)), ct);
    }

    private async Task<ReportPage> ReadPageAsync(Query query, CancellationToken ct)
    {
        var page = await _store.QueryAsync(query, ct);
        return new ReportPage(
            page.Items.Select(i => Deserialize(i, StoredDocumentJsonContext.Default.ReportDocument).ToReport()).ToArray(),
            page.ContinuationToken);
    }

    private async Task<List<(string ReportId, MadeReportDocument Made)>> ReadMadeIndexAsync(string titleId, string playerId, CancellationToken ct)
    {
        var made = new List<(string, MadeReportDocument)>();
        string? token = null;
        do
        {
            var page = await _store.QueryAsync(
                new Query(titleId, ReporterPartition(playerId), SortKeyCondition.BeginsWith(MadePrefix), Limit: Query.MaxLimit, ContinuationToken: token), ct);
            made.AddRange(page.Items.Select(i => (i.Key.SortKey[MadePrefix.Length..], Deserialize(i, StoredDocumentJsonContext.Default.MadeReportDocument))));
            token = page.ContinuationToken;
        }
        while (token is not null);

        return made;
    }

    /// <summary>Create or replace, retried while other writers win.</summary>
    private async Task PutAsync(ItemKey key, ReportDocument report, CancellationToken ct)
    {
        var body = Serialize(report, StoredDocumentJsonContext.Default.ReportDocument);
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await _store.GetAsync(key, ct);
            var written = current is null
                ? await _store.CreateAsync(new NewItem(key, body), ct)
                : await _store.ReplaceAsync(new NewItem(key, body), current.Version, ct);
            if (written.Succeeded)
            {
                return;
            }
        }

        throw new InvalidOperationException($"Report item {key} kept changing while it was being written.");
    }

    private async Task UpdateIfPresentAsync(ItemKey key, Func<ReportDocument, ReportDocument> change, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxWriteAttempts; attempt++)
        {
            var current = await _store.GetAsync(key, ct);
            if (current is null)
            {
                return;
            }

            var document = Deserialize(current, StoredDocumentJsonContext.Default.ReportDocument);
            var changed = change(document);
            if (ReferenceEquals(changed, document)
                || (await _store.ReplaceAsync(new NewItem(key, Serialize(changed, StoredDocumentJsonContext.Default.ReportDocument)), current.Version, ct)).Outcome
                    is WriteOutcome.Written or WriteOutcome.NotFound)
            {
                return;
            }
        }

        throw new InvalidOperationException($"Report item {key} kept changing while it was being anonymized.");
    }

    /// <summary>Deletes every item of the partition; the rounds bound a partition that a concurrent writer keeps refilling.</summary>
    private async Task DeleteAllAsync(string titleId, string partition, CancellationToken ct)
    {
        for (var round = 0; round < 1000; round++)
        {
            var page = await _store.QueryAsync(new Query(titleId, partition, SortKeyCondition.All, Limit: Query.MaxLimit), ct);
            if (page.Items.Count == 0)
            {
                return;
            }

            foreach (var item in page.Items)
            {
                await _store.DeleteAsync(item.Key, item.Version, ct);
            }
        }

        throw new InvalidOperationException($"Partition {titleId}/{partition} kept refilling while it was being deleted.");
    }

    internal static string ReporterPartition(string playerId) => AccountService.PlayerPartition(playerId) + "/reports";

    internal static string AboutPartition(string playerId) => "reports/player/" + playerId;

    private static ItemKey ClaimKey(string titleId, string reporterId, string reportedId) => new(titleId, ReporterPartition(reporterId), ClaimPrefix + reportedId);

    private static ItemKey MadeKey(string titleId, string reporterId, string reportId) => new(titleId, ReporterPartition(reporterId), MadePrefix + reportId);

    private static ItemKey DayKey(string titleId, string reporterId, DateTimeOffset now) =>
        new(titleId, ReporterPartition(reporterId), DayPrefix + now.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture));

    private static Error PageLimitError() => Error.Validation(ErrorCodes.InvalidReportPageLimit, $"The page size is 1–{MaxPageSize}.");

    private static Error PlayerNotFound() => Error.NotFound(ErrorCodes.PlayerNotFound, "No player has this id.");

    private static Error ReportNotFound() => Error.NotFound(ErrorCodes.ReportNotFound, "No report has this id.");

    private static Error Contention() => Error.Unavailable(ErrorCodes.Contention, "The reporter's reports kept changing while this one was filed; retry.");

    private static byte[] Serialize<T>(T document, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(document, typeInfo);

    private static T Deserialize<T>(StoredItem item, JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.Deserialize(item.Body, typeInfo) ?? throw new InvalidDataException($"Item {item.Key} is empty.");
}
