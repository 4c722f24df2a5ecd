using System.Globalization;
using GameBackend.Core.Storage;
using Microsoft.Data.Sqlite;

namespace GameBackend.Stores.Sqlite;

/// <summary>
/// One pooled read connection with its prepared statements. WAL lets it read a committed snapshot while
/// the writer commits. A reader is used by one caller at a time (the pool hands it out), so it needs no locks.
/// </summary>
internal sealed class SqliteReader : IDisposable
{
    private readonly SqliteConnection connection;
    private readonly SqliteCommand get;
    private readonly ItemKeyParameters getKey;
    private readonly RangeQuery[] queries;

    public SqliteReader(string databasePath)
    {
        connection = SqliteDatabase.Open(databasePath);
        try
        {
            SqliteDatabase.PrepareReader(connection);
            get = SqliteDatabase.Prepare(connection, $"SELECT body, version, expires_at FROM items WHERE {ItemKeyParameters.Match};");
            getKey = new ItemKeyParameters(get);
            get.Prepare();

            // One statement per shape, so each keeps a plan that seeks the primary key range.
            queries =
            [
                new RangeQuery(connection, descending: false, bounded: false),
                new RangeQuery(connection, descending: false, bounded: true),
                new RangeQuery(connection, descending: true, bounded: false),
                new RangeQuery(connection, descending: true, bounded: true),
            ];
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Reads one item; null when absent or expired at <paramref name="now"/>.</summary>
    public StoredItem? Get(ItemKey key, DateTimeOffset now)
    {
        getKey.Bind(key);
        using var reader = get.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var expiresAt = SqliteDatabase.ExpiryFromStored(reader, 2);
        if (expiresAt <= now)
        {
            return null;
        }

        return new StoredItem(key, (byte[])reader.GetValue(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture), expiresAt);
    }

    /// <summary>
    /// Reads up to the query's limit + 1 live items of <paramref name="range"/>: the extra row only
    /// tells whether another page exists, so the last page carries no token.
    /// </summary>
    public QueryPage Query(Query query, SortKeyRange range, DateTimeOffset now)
    {
        var statement = queries[(query.Descending ? 2 : 0) + (range.Before is null ? 0 : 1)];
        var items = statement.Read(query, range, now.UtcTicks, out var more);
        var token = more ? QueryContinuation.Create(query, items[^1].Key.SortKey) : null;
        return new QueryPage(items, token);
    }

    public void Dispose()
    {
        if (queries is not null)
        {
            foreach (var query in queries)
            {
                query?.Dispose();
            }
        }

        get?.Dispose();
        connection.Dispose();
    }

    private sealed class RangeQuery : IDisposable
    {
        private readonly SqliteCommand command;
        private readonly SqliteParameter title;
        private readonly SqliteParameter partition;
        private readonly SqliteParameter from;
        private readonly SqliteParameter? before;
        private readonly SqliteParameter now;
        private readonly SqliteParameter limit;

        public RangeQuery(SqliteConnection connection, bool descending, bool bounded)
        {
            command = SqliteDatabase.Prepare(connection, $"""
                SELECT sort_key, body, version, expires_at FROM items
                WHERE title = $title AND partition = $partition
                  AND sort_key >= $from {(bounded ? "AND sort_key < $before" : string.Empty)}
                  AND (expires_at IS NULL OR expires_at > $now)
                ORDER BY sort_key {(descending ? "DESC" : "ASC")}
                LIMIT $limit;
                """);
            title = SqliteDatabase.AddParameter(command, "$title", SqliteType.Text);
            partition = SqliteDatabase.AddParameter(command, "$partition", SqliteType.Text);
            from = SqliteDatabase.AddParameter(command, "$from", SqliteType.Text);
            before = bounded ? SqliteDatabase.AddParameter(command, "$before", SqliteType.Text) : null;
            now = SqliteDatabase.AddParameter(command, "$now", SqliteType.Integer);
            limit = SqliteDatabase.AddParameter(command, "$limit", SqliteType.Integer);
            command.Prepare();
        }

        public List<StoredItem> Read(Query query, SortKeyRange range, long nowTicks, out bool more)
        {
            title.Value = query.TitleId;
            partition.Value = query.Partition;
            from.Value = range.From;
            if (before is not null)
            {
                before.Value = range.Before;
            }

            now.Value = nowTicks;
            limit.Value = query.Limit + 1;

            var items = new List<StoredItem>(Math.Min(query.Limit, 64));
            more = false;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (items.Count == query.Limit)
                {
                    more = true;
                    break;
                }

                var key = new ItemKey(query.TitleId, query.Partition, reader.GetString(0));
                items.Add(new StoredItem(
                    key,
                    (byte[])reader.GetValue(1),
                    reader.GetInt64(2).ToString(CultureInfo.InvariantCulture),
                    SqliteDatabase.ExpiryFromStored(reader, 3)));
            }

            return items;
        }

        public void Dispose() => command.Dispose();
    }
}
