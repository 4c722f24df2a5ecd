using System.Globalization;
using GameBackend.Core.Storage;
using Microsoft.Data.Sqlite;

namespace GameBackend.Stores.Sqlite;

/// <summary>
/// The store's only write connection and its prepared statements. Used by one thread at a time (the
/// group-commit thread), so it needs no locks; a single writer also means SQLite never answers BUSY.
/// Each single-item write is one conditional statement: SQLite undoes a failed statement on its own,
/// so one write's error cannot leak into the others sharing its commit. A multi-item transaction has
/// several statements and therefore its own SAVEPOINT.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    /// <summary>A live row: not expiring, or expiring after the batch's "now".</summary>
    private const string Live = "(expires_at IS NULL OR expires_at > $now)";

    private readonly SqliteConnection connection;
    private readonly List<SqliteCommand> commands = [];

    private readonly SqliteCommand begin;
    private readonly SqliteCommand commit;
    private readonly SqliteCommand rollback;
    private readonly SqliteCommand savepoint;
    private readonly SqliteCommand releaseSavepoint;
    private readonly SqliteCommand rollbackToSavepoint;

    private readonly SqliteCommand create;
    private readonly ItemKeyParameters createKey;
    private readonly SqliteParameter createBody;
    private readonly SqliteParameter createVersion;
    private readonly SqliteParameter createExpiresAt;
    private readonly SqliteParameter createNow;

    private readonly SqliteCommand replace;
    private readonly ItemKeyParameters replaceKey;
    private readonly SqliteParameter replaceBody;
    private readonly SqliteParameter replaceVersion;
    private readonly SqliteParameter replaceExpiresAt;
    private readonly SqliteParameter replaceExpected;
    private readonly SqliteParameter replaceNow;

    private readonly SqliteCommand delete;
    private readonly ItemKeyParameters deleteKey;
    private readonly SqliteParameter deleteExpected;
    private readonly SqliteParameter deleteNow;

    private readonly SqliteCommand readVersion;
    private readonly ItemKeyParameters readVersionKey;
    private readonly SqliteParameter readVersionNow;

    private readonly SqliteCommand sweep;
    private readonly SqliteParameter sweepNow;
    private readonly SqliteParameter sweepLimit;

    private readonly SqliteCommand saveLastVersion;
    private readonly SqliteParameter saveLastVersionValue;

    /// <summary>
    /// Versions come from one counter for the whole file, so a deleted and re-created item never gets a
    /// version it had before, and a writer holding a stale version cannot overwrite the new item.
    /// The high-water mark is saved once per commit, not per write.
    /// </summary>
    private long lastVersion;

    private long savedLastVersion;
    private long nowTicks;

    public SqliteWriter(string databasePath)
    {
        connection = SqliteDatabase.Open(databasePath);
        try
        {
            SqliteDatabase.PrepareWriter(connection);

            begin = Add("BEGIN IMMEDIATE;");
            commit = Add("COMMIT;");
            rollback = Add("ROLLBACK;");
            savepoint = Add("SAVEPOINT item_transaction;");
            releaseSavepoint = Add("RELEASE item_transaction;");
            rollbackToSavepoint = Add("ROLLBACK TO item_transaction;");

            // Create-if-absent; an expired row counts as absent, so the upsert overwrites only that.
            create = Add("""
                INSERT INTO items (title, partition, sort_key, body, version, expires_at)
                VALUES ($title, $partition, $sort_key, $body, $version, $expires_at)
                ON CONFLICT (title, partition, sort_key) DO UPDATE
                SET body = excluded.body, version = excluded.version, expires_at = excluded.expires_at
                WHERE items.expires_at IS NOT NULL AND items.expires_at <= $now;
                """);
            createKey = new ItemKeyParameters(create);
            createBody = SqliteDatabase.AddParameter(create, "$body", SqliteType.Blob);
            createVersion = SqliteDatabase.AddParameter(create, "$version", SqliteType.Integer);
            createExpiresAt = SqliteDatabase.AddParameter(create, "$expires_at", SqliteType.Integer);
            createNow = SqliteDatabase.AddParameter(create, "$now", SqliteType.Integer);

            replace = Add($"""
                UPDATE items SET body = $body, version = $version, expires_at = $expires_at
                WHERE {ItemKeyParameters.Match} AND version = $expected AND {Live};
                """);
            replaceKey = new ItemKeyParameters(replace);
            replaceBody = SqliteDatabase.AddParameter(replace, "$body", SqliteType.Blob);
            replaceVersion = SqliteDatabase.AddParameter(replace, "$version", SqliteType.Integer);
            replaceExpiresAt = SqliteDatabase.AddParameter(replace, "$expires_at", SqliteType.Integer);
            replaceExpected = SqliteDatabase.AddParameter(replace, "$expected", SqliteType.Integer);
            replaceNow = SqliteDatabase.AddParameter(replace, "$now", SqliteType.Integer);

            delete = Add($"DELETE FROM items WHERE {ItemKeyParameters.Match} AND version = $expected AND {Live};");
            deleteKey = new ItemKeyParameters(delete);
            deleteExpected = SqliteDatabase.AddParameter(delete, "$expected", SqliteType.Integer);
            deleteNow = SqliteDatabase.AddParameter(delete, "$now", SqliteType.Integer);

            readVersion = Add($"SELECT version FROM items WHERE {ItemKeyParameters.Match} AND {Live};");
            readVersionKey = new ItemKeyParameters(readVersion);
            readVersionNow = SqliteDatabase.AddParameter(readVersion, "$now", SqliteType.Integer);

            sweep = Add("""
                DELETE FROM items WHERE (title, partition, sort_key) IN (
                    SELECT title, partition, sort_key FROM items
                    WHERE expires_at <= $now
                    ORDER BY expires_at
                    LIMIT $limit);
                """);
            sweepNow = SqliteDatabase.AddParameter(sweep, "$now", SqliteType.Integer);
            sweepLimit = SqliteDatabase.AddParameter(sweep, "$limit", SqliteType.Integer);

            saveLastVersion = Add("UPDATE store_state SET value = $value WHERE name = 'last_version';");
            saveLastVersionValue = SqliteDatabase.AddParameter(saveLastVersion, "$value", SqliteType.Integer);

            foreach (var command in commands)
            {
                command.Prepare();
            }

            lastVersion = savedLastVersion = ReadLastVersion();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>True while a transaction is open. An I/O or disk-full error can make SQLite roll back the whole transaction.</summary>
    public bool InTransaction => SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0;

    /// <summary>Opens the group commit's transaction; every write in it judges expiry by <paramref name="now"/>.</summary>
    public void BeginBatch(DateTimeOffset now)
    {
        nowTicks = now.UtcTicks;
        begin.ExecuteNonQuery();
    }

    /// <summary>Makes the batch durable: with <c>synchronous=FULL</c>, COMMIT returns after the WAL is fsynced.</summary>
    public void CommitBatch()
    {
        if (lastVersion != savedLastVersion)
        {
            saveLastVersionValue.Value = lastVersion;
            saveLastVersion.ExecuteNonQuery();
        }

        commit.ExecuteNonQuery();
        savedLastVersion = lastVersion;
    }

    public void RollbackBatch()
    {
        if (InTransaction)
        {
            rollback.ExecuteNonQuery();
        }
    }

    public WriteResult Create(NewItem item)
    {
        var version = lastVersion + 1;
        createKey.Bind(item.Key);
        createBody.Value = item.Body;
        createVersion.Value = version;
        createExpiresAt.Value = SqliteDatabase.ToStored(item.ExpiresAt);
        createNow.Value = nowTicks;
        if (create.ExecuteNonQuery() == 1)
        {
            lastVersion = version;
            return new WriteResult(WriteOutcome.Written, FormatVersion(version));
        }

        return new WriteResult(WriteOutcome.AlreadyExists, ReadLiveVersion(item.Key));
    }

    public WriteResult Replace(NewItem item, string expectedVersion)
    {
        if (!TryParseVersion(expectedVersion, out var expected))
        {
            return Mismatch(item.Key);
        }

        var version = lastVersion + 1;
        replaceKey.Bind(item.Key);
        replaceBody.Value = item.Body;
        replaceVersion.Value = version;
        replaceExpiresAt.Value = SqliteDatabase.ToStored(item.ExpiresAt);
        replaceExpected.Value = expected;
        replaceNow.Value = nowTicks;
        if (replace.ExecuteNonQuery() == 1)
        {
            lastVersion = version;
            return new WriteResult(WriteOutcome.Written, FormatVersion(version));
        }

        return Mismatch(item.Key);
    }

    public WriteResult Delete(ItemKey key, string expectedVersion)
    {
        if (!TryParseVersion(expectedVersion, out var expected))
        {
            return Mismatch(key);
        }

        deleteKey.Bind(key);
        deleteExpected.Value = expected;
        deleteNow.Value = nowTicks;
        return delete.ExecuteNonQuery() == 1 ? new WriteResult(WriteOutcome.Written, null) : Mismatch(key);
    }

    public WriteResult Check(ItemKey key, string expectedVersion)
    {
        var current = ReadLiveVersion(key);
        if (current is null)
        {
            return new WriteResult(WriteOutcome.NotFound, null);
        }

        return string.Equals(current, expectedVersion, StringComparison.Ordinal)
            ? new WriteResult(WriteOutcome.Written, null)
            : new WriteResult(WriteOutcome.VersionMismatch, current);
    }

    /// <summary>
    /// Applies every operation or none, inside a savepoint of the group commit. Validation guarantees
    /// distinct keys in one partition, so the operations cannot interfere with one another.
    /// </summary>
    public TransactionResult Transact(Transaction transaction)
    {
        var operations = transaction.Operations;
        var versions = new string?[operations.Count];
        savepoint.ExecuteNonQuery();
        try
        {
            for (var index = 0; index < operations.Count; index++)
            {
                var result = operations[index] switch
                {
                    TransactionOperation.Create create => Create(create.Item),
                    TransactionOperation.Replace replace => Replace(replace.Item, replace.ExpectedVersion),
                    TransactionOperation.Delete delete => Delete(delete.ItemKey, delete.ExpectedVersion),
                    TransactionOperation.Check check => Check(check.ItemKey, check.ExpectedVersion),
                    var other => throw new ArgumentException($"Unknown transaction operation {other.GetType().Name}.", nameof(transaction)),
                };
                if (!result.Succeeded)
                {
                    UndoSavepoint();
                    return TransactionResult.Failure(index, result.Outcome);
                }

                versions[index] = result.Version;
            }
        }
        catch
        {
            if (InTransaction)
            {
                UndoSavepoint();
            }

            throw;
        }

        releaseSavepoint.ExecuteNonQuery();
        return TransactionResult.Success(versions);
    }

    /// <summary>Deletes up to <paramref name="limit"/> expired rows, oldest expiry first; returns how many.</summary>
    public int SweepExpired(int limit)
    {
        sweepNow.Value = nowTicks;
        sweepLimit.Value = limit;
        return sweep.ExecuteNonQuery();
    }

    /// <summary>Moves the WAL's content into the database file and empties the WAL, so a clean shutdown leaves one file.</summary>
    public void Checkpoint()
    {
        using var command = SqliteDatabase.Prepare(connection, "PRAGMA wal_checkpoint(TRUNCATE);");
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var command in commands)
        {
            command.Dispose();
        }

        connection.Dispose();
    }

    private static string FormatVersion(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>A version this store never made cannot match; the caller then learns NotFound or VersionMismatch.</summary>
    private static bool TryParseVersion(string version, out long value) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Says why a conditional write did nothing: the item is gone (or expired), or it has another version.</summary>
    private WriteResult Mismatch(ItemKey key)
    {
        var current = ReadLiveVersion(key);
        return current is null
            ? new WriteResult(WriteOutcome.NotFound, null)
            : new WriteResult(WriteOutcome.VersionMismatch, current);
    }

    private string? ReadLiveVersion(ItemKey key)
    {
        readVersionKey.Bind(key);
        readVersionNow.Value = nowTicks;
        var version = readVersion.ExecuteScalar();
        return version is long number ? FormatVersion(number) : null;
    }

    private void UndoSavepoint()
    {
        rollbackToSavepoint.ExecuteNonQuery();
        releaseSavepoint.ExecuteNonQuery();
    }

    private long ReadLastVersion()
    {
        using var command = SqliteDatabase.Prepare(connection, """
            SELECT max(
                (SELECT value FROM store_state WHERE name = 'last_version'),
                coalesce((SELECT max(version) FROM items), 0));
            """);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private SqliteCommand Add(string sql)
    {
        var command = SqliteDatabase.Prepare(connection, sql);
        commands.Add(command);
        return command;
    }
}
