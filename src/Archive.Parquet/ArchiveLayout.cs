using System.Globalization;
using System.Text;

namespace GameBackend.Archive.Parquet;

/// <summary>
/// Where an archived batch's objects go: <c>events/title={title}/date={yyyy-MM-dd}/hour={HH}/{batchId}.parquet</c>, by the
/// event's time in UTC. Hive-style <c>name=value</c> folders are what Athena, BigQuery and Synapse read as partitions, so a
/// query that filters on title, date and hour reads only those folders. The partition is named <c>title</c>, not
/// <c>title_id</c>, because BigQuery refuses a partition key with the name of a column in the files.
/// </summary>
public static class ArchiveLayout
{
    public const string Root = "events/";
    public const string FileExtension = ".parquet";
    public const int MaxBatchIdLength = 200;

    /// <summary>The object key of one title's events of one UTC hour from one batch.</summary>
    public static string ObjectKey(string titleId, DateTime hourUtc, string batchId) =>
        string.Create(CultureInfo.InvariantCulture, $"{TitlePrefix(titleId)}date={hourUtc:yyyy-MM-dd}/hour={hourUtc:HH}/{batchId}{FileExtension}");

    /// <summary>The prefix of every object of one title (ends with '/').</summary>
    public static string TitlePrefix(string titleId) => Root + "title=" + EscapePartitionValue(titleId) + "/";

    /// <summary>
    /// Title ids are 32 hex digits and pass unchanged; anything else a record might carry is escaped as Hive escapes
    /// partition values (%XX of each UTF-8 byte outside [A-Za-z0-9-]), so no value can add a folder or hide a file, and
    /// the query engines read the original value back.
    /// </summary>
    public static string EscapePartitionValue(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (!value.AsSpan().ContainsAnyExcept(SafeChars))
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b < 0x80 && SafeChars.Contains((char)b))
            {
                escaped.Append((char)b);
            }
            else
            {
                escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();
    }

    /// <summary>
    /// A batch id names files, so it is 1 to <see cref="MaxBatchIdLength"/> characters of [A-Za-z0-9._=-], not starting
    /// with '.' or '_' (query engines skip such files): a Kafka consumer's "events-3-1042" or a trigger's invocation id.
    /// </summary>
    public static void ValidateBatchId(string batchId, string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(batchId, parameterName);
        if (batchId.Length > MaxBatchIdLength
            || batchId.AsSpan().ContainsAnyExcept(BatchIdChars)
            || batchId[0] is '.' or '_'
            || batchId[^1] == '.')
        {
            throw new ArgumentException(
                $"Invalid batch id \"{batchId}\": 1 to {MaxBatchIdLength} characters of [A-Za-z0-9._=-], not starting with '.' or '_', not ending with '.'.",
                parameterName);
        }
    }

    private static readonly System.Buffers.SearchValues<char> SafeChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-");

    private static readonly System.Buffers.SearchValues<char> BatchIdChars =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._=");
}
