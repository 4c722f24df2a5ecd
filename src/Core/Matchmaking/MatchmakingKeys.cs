using GameBackend.Core.Accounts;
using GameBackend.Core.Storage;

namespace GameBackend.Core.Matchmaking;

/// <summary>
/// Where matchmaking keeps things. A queue's partition holds its searching tickets ("s/"), its ended tickets ("t/"),
/// its matches ("m/") and the tick's lease, so forming a match (delete each "s/" at the version the tick read, create
/// each "t/" and the "m/") is one same-partition transaction, and the tick reads only searching tickets.
/// </summary>
internal static class MatchmakingKeys
{
    public const string SearchingPrefix = "s/";

    public static string QueuePartition(string queueId) => "matchmaking:" + queueId;

    public static ItemKey Searching(string titleId, string queueId, string ticketId) => new(titleId, QueuePartition(queueId), SearchingPrefix + ticketId);

    public static ItemKey Ended(string titleId, string queueId, string ticketId) => new(titleId, QueuePartition(queueId), "t/" + ticketId);

    public static ItemKey Match(string titleId, string queueId, string matchId) => new(titleId, QueuePartition(queueId), "m/" + matchId);

    public static ItemKey Lease(string titleId, string queueId) => new(titleId, QueuePartition(queueId), "lease");

    /// <summary>The player's latest ticket, in the player's partition.</summary>
    public static ItemKey ActiveTicket(string titleId, string playerId) => new(titleId, AccountService.PlayerPartition(playerId), "matchmaking/active");
}
