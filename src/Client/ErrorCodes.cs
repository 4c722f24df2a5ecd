namespace GameBackend.Client;

/// <summary>
/// The codes a game most often branches on (the full list is docs/errors.md), plus the client's own codes
/// for failures that never reached the backend. Codes are strings, not an enum, so a code the backend adds
/// later still arrives intact.
/// </summary>
public static class ErrorCodes
{
    /// <summary>Client-side: no response (DNS, connection, timeout) or the transport failed.</summary>
    public const string NetworkError = "network_error";

    /// <summary>Client-side: a response that is neither the expected JSON nor a problem document (a proxy's HTML page).</summary>
    public const string UnexpectedResponse = "unexpected_response";

    /// <summary>Client-side: a call that needs a player was made with no session.</summary>
    public const string NotSignedIn = "not_signed_in";

    public const string InvalidToken = "invalid_token";
    public const string InvalidRefreshToken = "invalid_refresh_token";
    public const string RefreshTokenReused = "refresh_token_reused";
    public const string SessionRevoked = "session_revoked";
    public const string InvalidCredentials = "invalid_credentials";
    public const string AccountNotFound = "account_not_found";
    public const string AccountDisabled = "account_disabled";
    public const string AccountBanned = "account_banned";
    public const string EmailTaken = "email_taken";
    public const string VersionConflict = "version_conflict";
    public const string RateLimited = "rate_limited";
    public const string Contention = "contention";
    public const string StorageObjectNotFound = "storage_object_not_found";
    public const string LeaderboardRecordNotFound = "leaderboard_record_not_found";
    public const string TicketAlreadyActive = "ticket_already_active";
    public const string TicketNotFound = "ticket_not_found";
    public const string TicketNotSearching = "ticket_not_searching";
    public const string MatchNotFound = "match_not_found";
    public const string EventBusUnavailable = "event_bus_unavailable";
    public const string NoValidEvents = "no_valid_events";
    public const string TooManyEvents = "too_many_events";
}
