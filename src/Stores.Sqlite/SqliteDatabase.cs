using Microsoft.Data.Sqlite;

namespace GameBackend.Stores.Sqlite;

/// <summary>Opens connections to the store's file and owns its schema.</summary>
internal static class SqliteDatabase
{
    /// <summary>Bumped when the schema changes, so an older build refuses a newer file instead of misreading it.</summary>
    private const int SchemaVersion = 1;

    /// <summary>
    /// Opens one long-lived connection. Pooling is off because the store keeps its connections for its
    /// whole life, and closing the last one for real is what lets SQLite checkpoint and remove the WAL.
    /// </summary>
    public static SqliteConnection Open(string databasePath)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }

    /// <summary>
    /// Turns on WAL with <c>synchronous=FULL</c> (every commit fsyncs the log, so an acknowledged write
    /// survives a killed process or a power cut) and creates the schema if the file is new.
    /// Items live in one WITHOUT ROWID table clustered by (title, partition, sort_key), so a query
    /// reads one contiguous stretch of the primary key in BINARY (UTF-8 byte) order. The partial
    /// index lets the sweeper find expired rows without scanning the items that never expire.
    /// </summary>
    public static void PrepareWriter(SqliteConnection connection)
    {
        var journalMode = ExecuteScalar(connection, "PRAGMA journal_mode = WAL;");
        if (!string.Equals(journalMode as string, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite refused WAL mode for {connection.DataSource} (journal mode is '{journalMode}').");
        }

        Execute(connection, "PRAGMA synchronous = FULL;");

        // Checkpoints normally run beside the writer (WalCheckpointer), so no commit waits for one. The
        // writer's own automatic checkpoint is only the backstop that keeps the WAL bounded if those fall
        // behind: at 16,000 pages (64 MB) it should never be what runs.
        Execute(connection, "PRAGMA wal_autocheckpoint = 16000;");

        var existingVersion = Convert.ToInt64(ExecuteScalar(connection, "PRAGMA user_version;"), System.Globalization.CultureInfo.InvariantCulture);
        if (existingVersion > SchemaVersion)
        {
            throw new InvalidOperationException($"{connection.DataSource} has schema version {existingVersion}; this build knows version {SchemaVersion}.");
        }

        Execute(connection, $"""
            BEGIN IMMEDIATE;
            CREATE TABLE IF NOT EXISTS items (
                title      TEXT    NOT NULL,
                partition  TEXT    NOT NULL,
                sort_key   TEXT    NOT NULL,
                body       BLOB    NOT NULL,
                version    INTEGER NOT NULL,
                expires_at INTEGER NULL,
                PRIMARY KEY (title, partition, sort_key)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS items_by_expiry ON items (expires_at) WHERE expires_at IS NOT NULL;
            CREATE TABLE IF NOT EXISTS store_state (
                name  TEXT    NOT NULL PRIMARY KEY,
                value INTEGER NOT NULL
            ) WITHOUT ROWID;
            INSERT OR IGNORE INTO store_state (name, value) VALUES ('last_version', 0);
            PRAGMA user_version = {SchemaVersion};
            COMMIT;
            """);
    }

    /// <summary>Readers never write; <c>query_only</c> turns a slip into an error instead of a second writer.</summary>
    public static void PrepareReader(SqliteConnection connection) => Execute(connection, "PRAGMA query_only = ON;");

    /// <summary>A command the caller keeps and re-executes; call <see cref="SqliteCommand.Prepare"/> once its parameters exist.</summary>
    public static SqliteCommand Prepare(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    public static SqliteParameter AddParameter(SqliteCommand command, string name, SqliteType type) =>
        command.Parameters.Add(name, type);

    /// <summary>Stored expiry: UTC ticks, so the instant round-trips exactly; null never expires.</summary>
    public static object ToStored(DateTimeOffset? expiresAt) => expiresAt is { } value ? value.UtcTicks : DBNull.Value;

    public static DateTimeOffset? ExpiryFromStored(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetInt64(ordinal), TimeSpan.Zero);

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = Prepare(connection, sql);
        command.ExecuteNonQuery();
    }

    private static object? ExecuteScalar(SqliteConnection connection, string sql)
    {
        using var command = Prepare(connection, sql);
        return command.ExecuteScalar();
    }
}
