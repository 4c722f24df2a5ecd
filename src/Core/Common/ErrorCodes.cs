namespace GameBackend.Core.Common;

/// <summary>
/// Every stable error code Core returns. Clients branch on these strings, so a code never changes
/// or changes meaning once shipped; Api and the docs reference this list instead of repeating literals.
/// The HTTP status in each comment is the one Api maps the <see cref="ErrorKind"/> to.
/// </summary>
public static class ErrorCodes
{
    // Tenancy
    /// <summary>401: the client key is missing, malformed, or not the title's.</summary>
    public const string InvalidClientKey = "invalid_client_key";
    /// <summary>401: the server key is missing, malformed, or not the title's.</summary>
    public const string InvalidServerKey = "invalid_server_key";
    /// <summary>404: no title has this id.</summary>
    public const string TitleNotFound = "title_not_found";
    /// <summary>400: the title name is empty, too long, or holds control characters.</summary>
    public const string InvalidTitleName = "invalid_title_name";
    /// <summary>400: the cell type is not one of the known values.</summary>
    public const string InvalidCellType = "invalid_cell_type";
    /// <summary>400: the access-token lifetime is outside the allowed range.</summary>
    public const string InvalidAccessTokenLifetime = "invalid_access_token_lifetime";
    /// <summary>400: the refresh-token lifetime is outside the allowed range or shorter than the access-token lifetime.</summary>
    public const string InvalidRefreshTokenLifetime = "invalid_refresh_token_lifetime";
    /// <summary>400: a rate limit is negative or above the allowed maximum.</summary>
    public const string InvalidRateLimit = "invalid_rate_limit";

    // Tokens and sessions
    /// <summary>401: the access token is missing, malformed, forged, expired, or its account is gone.</summary>
    public const string InvalidToken = "invalid_token";
    /// <summary>401: the refresh token is malformed, unknown, expired, or its session was ended.</summary>
    public const string InvalidRefreshToken = "invalid_refresh_token";
    /// <summary>401: an already-rotated refresh token was presented; its whole session family is now revoked.</summary>
    public const string RefreshTokenReused = "refresh_token_reused";
    /// <summary>401: the access token's session was signed out or revoked (for example by disabling the account).</summary>
    public const string SessionRevoked = "session_revoked";

    // Accounts
    /// <summary>401: email sign-in failed. Unknown email and wrong password answer the same, on purpose.</summary>
    public const string InvalidCredentials = "invalid_credentials";
    /// <summary>404: sign-in without "create" found no account for this identity.</summary>
    public const string AccountNotFound = "account_not_found";
    /// <summary>404: no account has this player id.</summary>
    public const string PlayerNotFound = "player_not_found";
    /// <summary>403: the account is disabled by an admin.</summary>
    public const string AccountDisabled = "account_disabled";
    /// <summary>403: the account is banned; Details["until"] says until when (ISO 8601).</summary>
    public const string AccountBanned = "account_banned";
    /// <summary>409: sign-up with an email that already has an account. Sign-up necessarily reveals that; rate limits bound it.</summary>
    public const string EmailTaken = "email_taken";
    /// <summary>409: the identity is linked to another player.</summary>
    public const string IdentityInUse = "identity_in_use";
    /// <summary>404: unlink named an identity the account does not have.</summary>
    public const string IdentityNotFound = "identity_not_found";
    /// <summary>409: unlinking would leave the account with no way to sign in.</summary>
    public const string LastIdentity = "last_identity";
    /// <summary>409: the account already holds the maximum number of linked identities.</summary>
    public const string TooManyIdentities = "too_many_identities";
    /// <summary>400: the device id is not 8–128 characters of [A-Za-z0-9._:-].</summary>
    public const string InvalidDeviceId = "invalid_device_id";
    /// <summary>400: the custom id is not 1–128 characters of [A-Za-z0-9._:@|+-].</summary>
    public const string InvalidCustomId = "invalid_custom_id";
    /// <summary>400: the email is malformed or longer than 254 characters.</summary>
    public const string InvalidEmail = "invalid_email";
    /// <summary>400: the password has fewer than 8 characters (Unicode code points).</summary>
    public const string PasswordTooShort = "password_too_short";
    /// <summary>400: the password has more than 128 characters (Unicode code points).</summary>
    public const string PasswordTooLong = "password_too_long";
    /// <summary>400: the password is only whitespace.</summary>
    public const string PasswordBlank = "password_blank";
    /// <summary>400: the password equals the email.</summary>
    public const string PasswordSameAsEmail = "password_same_as_email";
    /// <summary>400: the password is on the list of the most common passwords.</summary>
    public const string PasswordTooCommon = "password_too_common";
    /// <summary>400: the ban end is not in the future.</summary>
    public const string InvalidBanUntil = "invalid_ban_until";
    /// <summary>400: the ban reason is longer than 256 characters.</summary>
    public const string InvalidBanReason = "invalid_ban_reason";

    // Leaderboards
    /// <summary>400: the leaderboard id is not 1–64 characters of [a-z0-9_-].</summary>
    public const string InvalidLeaderboardId = "invalid_leaderboard_id";
    /// <summary>400: the sort order is not "descending" or "ascending".</summary>
    public const string InvalidSortOrder = "invalid_sort_order";
    /// <summary>400: the operator is not "best", "latest", "increment" or "decrement".</summary>
    public const string InvalidLeaderboardOperator = "invalid_leaderboard_operator";
    /// <summary>400: the reset schedule is not a 5-field cron expression (UTC) that occurs again.</summary>
    public const string InvalidResetSchedule = "invalid_reset_schedule";
    /// <summary>404: the title has no leaderboard with this id.</summary>
    public const string LeaderboardNotFound = "leaderboard_not_found";
    /// <summary>409: the title already has a leaderboard with this id.</summary>
    public const string LeaderboardExists = "leaderboard_exists";
    /// <summary>409: the title already has the maximum number of leaderboards (100).</summary>
    public const string TooManyLeaderboards = "too_many_leaderboards";
    /// <summary>400: the score is not a finite number within ±2^53, or the operator would take the record outside that range.</summary>
    public const string InvalidScore = "invalid_score";
    /// <summary>400: record metadata is not a JSON object, is larger than 1 KiB, or nests deeper than 8.</summary>
    public const string InvalidLeaderboardMetadata = "invalid_leaderboard_metadata";
    /// <summary>404: the player has no record on this leaderboard in this period.</summary>
    public const string LeaderboardRecordNotFound = "leaderboard_record_not_found";
    /// <summary>400: the period is not "all" (boards without a schedule) or the start of a period that has begun.</summary>
    public const string InvalidLeaderboardPeriod = "invalid_leaderboard_period";
    /// <summary>400: limit is outside 1–100, or k (records on each side of the player) outside 0–50.</summary>
    public const string InvalidLeaderboardLimit = "invalid_leaderboard_limit";
    /// <summary>400: the cursor was not handed out by a leaderboard listing.</summary>
    public const string InvalidLeaderboardCursor = "invalid_leaderboard_cursor";

    // Profiles
    /// <summary>400: the display name is not 1–32 letters, digits, spaces or ._- after trimming.</summary>
    public const string InvalidDisplayName = "invalid_display_name";
    /// <summary>409: another player of the title holds this display name (titles with unique display names).</summary>
    public const string DisplayNameTaken = "display_name_taken";
    /// <summary>400: the avatar URL is not an absolute http(s) URL of at most 512 characters.</summary>
    public const string InvalidAvatarUrl = "invalid_avatar_url";
    /// <summary>400: the locale is not a BCP 47 tag of at most 35 characters.</summary>
    public const string InvalidLocale = "invalid_locale";
    /// <summary>400: the metadata is not a JSON object, is larger than 4 KiB, or nests deeper than 8.</summary>
    public const string InvalidMetadata = "invalid_metadata";

    // Player storage
    /// <summary>400: a collection or key name is not 1–64 characters of [A-Za-z0-9_.-].</summary>
    public const string InvalidStorageName = "invalid_storage_name";
    /// <summary>400: a stored value is not a JSON object, is larger than 16 KiB, or nests deeper than 16.</summary>
    public const string InvalidStorageValue = "invalid_storage_value";
    /// <summary>400: a read or write permission is not one of the known values.</summary>
    public const string InvalidStoragePermission = "invalid_storage_permission";
    /// <summary>400: a storage listing's page limit is outside 1–100.</summary>
    public const string InvalidStoragePageLimit = "invalid_storage_page_limit";
    /// <summary>404: no such object, or it belongs to another player and is not public.</summary>
    public const string StorageObjectNotFound = "storage_object_not_found";
    /// <summary>403: a player tried to write a server-only object, make an object server-only, or write another player's storage.</summary>
    public const string StorageWriteForbidden = "storage_write_forbidden";
    /// <summary>409: the write would take the player past the storage quota (1 MiB, 1,000 objects); delete objects first.</summary>
    public const string StorageQuotaExceeded = "storage_quota_exceeded";

    // Progression
    /// <summary>400: the progression config breaks a rule (curve, stat or achievement definition); Details["path"] names the member.</summary>
    public const string InvalidProgressionConfig = "invalid_progression_config";
    /// <summary>404: the title defines no stat with this name.</summary>
    public const string StatNotFound = "stat_not_found";
    /// <summary>404: the title defines no achievement with this id.</summary>
    public const string AchievementNotFound = "achievement_not_found";
    /// <summary>400: the increment would take the stat outside [min, max]; nothing is written. Details: current, min, max.</summary>
    public const string StatOutOfRange = "stat_out_of_range";
    /// <summary>403: a player tried to change a stat that only the studio's server may change.</summary>
    public const string StatNotClientWritable = "stat_not_client_writable";
    /// <summary>400: a stat increment is 0 or beyond ±1,000,000,000.</summary>
    public const string InvalidStatIncrement = "invalid_stat_increment";
    /// <summary>400: an XP grant is not 1–1,000,000,000.</summary>
    public const string InvalidXpAmount = "invalid_xp_amount";
    /// <summary>400: an XP reason is longer than 128 characters or holds control characters.</summary>
    public const string InvalidXpReason = "invalid_xp_reason";

    // Moderation
    /// <summary>400: a player cannot report themselves.</summary>
    public const string CannotReportSelf = "cannot_report_self";
    /// <summary>400: the report category is not cheating, harassment, offensive_name, spam or other.</summary>
    public const string InvalidReportCategory = "invalid_report_category";
    /// <summary>400: the report comment is longer than 500 characters.</summary>
    public const string InvalidReportComment = "invalid_report_comment";
    /// <summary>400: the resolution action is not dismiss or ban.</summary>
    public const string InvalidReportAction = "invalid_report_action";
    /// <summary>400: the resolution note is longer than 256 characters.</summary>
    public const string InvalidReportNote = "invalid_report_note";
    /// <summary>400: a report listing's page size is not 1–100.</summary>
    public const string InvalidReportPageLimit = "invalid_report_page_limit";
    /// <summary>404: no report has this id.</summary>
    public const string ReportNotFound = "report_not_found";
    /// <summary>429: the reporter filed the most reports allowed today (UTC); repeats of an open report still answer.</summary>
    public const string ReportLimitReached = "report_limit_reached";

    // Social
    /// <summary>400: the title's friend limit is outside 1–5000.</summary>
    public const string InvalidFriendLimit = "invalid_friend_limit";
    /// <summary>400: a player cannot befriend, block or otherwise relate to themselves.</summary>
    public const string CannotFriendSelf = "cannot_friend_self";
    /// <summary>409: the player already holds the title's maximum of friends plus outgoing requests.</summary>
    public const string FriendLimitReached = "friend_limit_reached";
    /// <summary>404: accept found no friend request from this player.</summary>
    public const string FriendRequestNotFound = "friend_request_not_found";
    /// <summary>400: the friend-list state is not friend, incoming, outgoing or blocked.</summary>
    public const string InvalidFriendState = "invalid_friend_state";
    /// <summary>400: the page size is not 1–100.</summary>
    public const string InvalidPageLimit = "invalid_page_limit";

    // Shared
    /// <summary>409: the item changed since the caller read it; Details["currentVersion"] holds the current version.</summary>
    public const string VersionConflict = "version_conflict";
    /// <summary>503: a write kept losing races; the caller may retry.</summary>
    public const string Contention = "contention";

    // Matchmaking
    /// <summary>400: the queue id is not 1–64 characters of [a-z0-9_-].</summary>
    public const string InvalidQueueId = "invalid_queue_id";
    /// <summary>400: the queue's rule set breaks a rule; Details["field"] names the member at fault.</summary>
    public const string InvalidQueueConfig = "invalid_queue_config";
    /// <summary>404: the title has no queue with this id.</summary>
    public const string QueueNotFound = "queue_not_found";
    /// <summary>409: the title already has the maximum number of queues (50).</summary>
    public const string TooManyQueues = "too_many_queues";
    /// <summary>400: the ticket does not give exactly the queue's attributes, or a value is longer than 64 characters.</summary>
    public const string InvalidTicketAttributes = "invalid_ticket_attributes";
    /// <summary>400: a ping names a region the queue does not have; Details["region"] names it.</summary>
    public const string UnknownRegion = "unknown_region";
    /// <summary>400: a ping is not a number of 0–5000 ms, or a queue with a latency rule got no ping.</summary>
    public const string InvalidPing = "invalid_ping";
    /// <summary>400: the party is empty, larger than the queue's maximum, or names a player twice.</summary>
    public const string InvalidParty = "invalid_party";
    /// <summary>409: a player of the ticket already has a searching ticket in this title; Details["ticketId"] and ["queueId"] name it when it is the caller's.</summary>
    public const string TicketAlreadyActive = "ticket_already_active";
    /// <summary>404: the queue has no ticket with this id that the caller is on.</summary>
    public const string TicketNotFound = "ticket_not_found";
    /// <summary>409: the ticket is no longer searching (matched, timed out or cancelled), so it cannot be cancelled.</summary>
    public const string TicketNotSearching = "ticket_not_searching";
    /// <summary>404: the queue has no match with this id that the caller played in.</summary>
    public const string MatchNotFound = "match_not_found";
    /// <summary>400: the result does not give one rank (1 or more) per team of the match.</summary>
    public const string InvalidMatchResult = "invalid_match_result";
    /// <summary>403: the queue takes results only from the studio's server (results.reporters is "server").</summary>
    public const string PlayerReportsDisabled = "player_reports_disabled";
    /// <summary>409: the caller already reported this match's result, or the same final result was reported again.</summary>
    public const string ResultAlreadyReported = "result_already_reported";
    /// <summary>409: the report contradicts the final result, or (agreement "all") an earlier player's report.</summary>
    public const string ResultConflict = "result_conflict";

    // Relays
    /// <summary>401: X-Relay-Timestamp is missing, not Unix seconds, or more than 60 s from the server's clock.</summary>
    public const string InvalidRelayTimestamp = "invalid_relay_timestamp";
    /// <summary>401: X-Relay-Title or X-Relay-Signature is missing or malformed, or the signature is not an active relay key's over this timestamp and body.</summary>
    public const string InvalidRelaySignature = "invalid_relay_signature";
    /// <summary>400: a heartbeat member breaks a rule; Details["field"] names it (for example "endpoint" or "events[3].sessionId"). Nothing is stored.</summary>
    public const string InvalidRelayHeartbeat = "invalid_relay_heartbeat";
    /// <summary>503: the event bus did not accept the heartbeat's session events; send them again (Retry-After).</summary>
    public const string EventBusUnavailable = "event_bus_unavailable";

    // Analytics queries
    /// <summary>400: a date of an analytics query is missing or not a calendar date yyyy-MM-dd between 2000-01-01 and 2999-12-31; Details["parameter"] names it.</summary>
    public const string InvalidAnalyticsDate = "invalid_analytics_date";
    /// <summary>400: an analytics range ends before it starts or spans more than 92 days (Details["maxDays"]).</summary>
    public const string InvalidAnalyticsRange = "invalid_analytics_range";

    // Analytics: the ingest request (batch-level, the request is refused whole)
    /// <summary>413: the request holds more than 500 events (TelemetryLimits.MaxEventsPerBatch); split it.</summary>
    public const string TooManyEvents = "too_many_events";
    /// <summary>400: no event of the request is valid (or it holds none); the problem's "rejected" lists why.</summary>
    public const string NoValidEvents = "no_valid_events";

    // Analytics: one event of an ingest request (per-event errors, in "rejected"; the other events are accepted)
    /// <summary>The event is not a JSON object, a member has the wrong JSON type, or a member appears twice.</summary>
    public const string InvalidEvent = "invalid_event";
    /// <summary>The event lacks id, name or time; "field" lists them.</summary>
    public const string MissingEventField = "missing_event_field";
    /// <summary>The event has a member beyond id, name, time, sessionId, properties (titleId and playerId come from the token).</summary>
    public const string UnknownEventField = "unknown_event_field";
    /// <summary>The event id is not 1–64 characters of [A-Za-z0-9_-].</summary>
    public const string InvalidEventId = "invalid_event_id";
    /// <summary>The event name does not match ^[a-z][a-z0-9_]{0,63}$.</summary>
    public const string InvalidEventName = "invalid_event_name";
    /// <summary>The event name is one the backend itself publishes (account_created, signed_in, session_started, …).</summary>
    public const string ReservedEventName = "reserved_event_name";
    /// <summary>The event time is not an RFC 3339 date-time with an offset.</summary>
    public const string InvalidEventTime = "invalid_event_time";
    /// <summary>The event time is more than 7 days before or 5 minutes after the server's clock.</summary>
    public const string EventTimeOutOfRange = "event_time_out_of_range";
    /// <summary>The event's sessionId is not 1–64 characters of [A-Za-z0-9_-].</summary>
    public const string InvalidSessionId = "invalid_session_id";
    /// <summary>The event's properties are not an object of at most 32 members with names of 1–64 characters and string (≤ 256), number, boolean or null values.</summary>
    public const string InvalidEventProperties = "invalid_event_properties";
    /// <summary>The event's JSON is larger than 4 KiB.</summary>
    public const string EventTooLarge = "event_too_large";
    /// <summary>An earlier event of the same request has this id.</summary>
    public const string DuplicateEventId = "duplicate_event_id";
}
