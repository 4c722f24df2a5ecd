using GameBackend.Core.Storage;
using Microsoft.Data.Sqlite;

namespace GameBackend.Stores.Sqlite;

/// <summary>The three key parameters of one prepared command, bound together from an <see cref="ItemKey"/>.</summary>
internal sealed class ItemKeyParameters
{
    private readonly SqliteParameter title;
    private readonly SqliteParameter partition;
    private readonly SqliteParameter sortKey;

    /// <summary>The SQL must name the parameters <c>$title</c>, <c>$partition</c> and <c>$sort_key</c>.</summary>
    public ItemKeyParameters(SqliteCommand command)
    {
        title = SqliteDatabase.AddParameter(command, "$title", SqliteType.Text);
        partition = SqliteDatabase.AddParameter(command, "$partition", SqliteType.Text);
        sortKey = SqliteDatabase.AddParameter(command, "$sort_key", SqliteType.Text);
    }

    public const string Match = "title = $title AND partition = $partition AND sort_key = $sort_key";

    public void Bind(in ItemKey key)
    {
        title.Value = key.TitleId;
        partition.Value = key.Partition;
        sortKey.Value = key.SortKey;
    }
}
