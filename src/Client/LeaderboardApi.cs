using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using GameBackend.Client.Http;
using GameBackend.Client.Internal;

namespace GameBackend.Client;

/// <summary>
/// Leaderboards the studio defined: submit a score, read the top, the records around the caller, the caller's
/// own, and friends only. <c>period</c> reads a past period of a board that resets (its start, yyyyMMddTHHmmssZ).
/// </summary>
public sealed class LeaderboardApi
{
    private readonly ApiTransport _transport;

    internal LeaderboardApi(ApiTransport transport)
    {
        _transport = transport;
    }

    /// <summary>Submits a score; the board's operator (best, latest, increment, decrement) decides what is kept.</summary>
    public async Task<LeaderboardRecord> SubmitAsync(string leaderboardId, double score, JsonElement? metadata = null, CancellationToken cancellationToken = default)
    {
        var body = ApiTransport.Serialize(new SubmitScoreRequest(score, metadata), ClientJsonContext.Default.SubmitScoreRequest);
        return (await _transport.SendAsync(HttpMethod.Post, BoardPath(leaderboardId) + "/records", body, ClientJsonContext.Default.LeaderboardRecord, cancellationToken).ConfigureAwait(false)).Value;
    }

    /// <summary>The top records (1–100 per page); pass <see cref="LeaderboardRecordPage.NextCursor"/> for the next page.</summary>
    public Task<LeaderboardRecordPage> GetTopAsync(string leaderboardId, int? limit = null, string? cursor = null, string? period = null, CancellationToken cancellationToken = default) =>
        PageAsync(BoardPath(leaderboardId) + "/records" + Query(("limit", Number(limit)), ("cursor", cursor), ("period", period)), cancellationToken);

    /// <summary>The caller's record with up to <paramref name="k"/> (0–50) records above and below (404 <c>leaderboard_record_not_found</c> without one).</summary>
    public Task<LeaderboardRecordPage> GetAroundMeAsync(string leaderboardId, int? k = null, string? period = null, CancellationToken cancellationToken = default) =>
        PageAsync(BoardPath(leaderboardId) + "/records/around-me" + Query(("k", Number(k)), ("period", period), (null, null)), cancellationToken);

    /// <summary>The caller's own record and rank.</summary>
    public async Task<LeaderboardRecord> GetMineAsync(string leaderboardId, string? period = null, CancellationToken cancellationToken = default) =>
        (await _transport.SendAsync(HttpMethod.Get, BoardPath(leaderboardId) + "/records/me" + Query(("period", period), (null, null), (null, null)), null, ClientJsonContext.Default.LeaderboardRecord, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>The caller's and their friends' records, with board-wide ranks.</summary>
    public Task<LeaderboardRecordPage> GetFriendsAsync(string leaderboardId, string? period = null, CancellationToken cancellationToken = default) =>
        PageAsync(BoardPath(leaderboardId) + "/records/friends" + Query(("period", period), (null, null), (null, null)), cancellationToken);

    private async Task<LeaderboardRecordPage> PageAsync(string path, CancellationToken cancellationToken) =>
        (await _transport.SendAsync(HttpMethod.Get, path, null, ClientJsonContext.Default.LeaderboardRecordPage, cancellationToken).ConfigureAwait(false)).Value;

    private static string BoardPath(string leaderboardId)
    {
        Guard.NotEmpty(leaderboardId, nameof(leaderboardId));
        return "v1/leaderboards/" + PathSegment.Of(leaderboardId);
    }

    private static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    private static string Query((string? Name, string? Value) a, (string? Name, string? Value) b, (string? Name, string? Value) c)
    {
        var query = string.Empty;
        Append(ref query, a);
        Append(ref query, b);
        Append(ref query, c);
        return query;

        static void Append(ref string query, (string? Name, string? Value) pair)
        {
            if (pair.Name is not null && pair.Value is not null)
            {
                query += (query.Length == 0 ? "?" : "&") + pair.Name + "=" + PathSegment.Of(pair.Value);
            }
        }
    }
}
