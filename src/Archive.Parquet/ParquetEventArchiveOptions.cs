namespace GameBackend.Archive.Parquet;

/// <summary>How archive files are written (section <c>GameBackend:Archive</c>, shared by every host's archive).</summary>
public sealed class ParquetEventArchiveOptions : ICheckedOptions
{
    public const string SectionName = "GameBackend:Archive";
    public const int MaxRowGroupSize = 1_000_000;
    public const int MaxConcurrentWritesLimit = 64;

    /// <summary>
    /// Snappy (the default: Athena, BigQuery and Synapse serverless SQL all read it, cheap to decode) or Zstd (smaller
    /// files; Athena and BigQuery read it; check your Synapse pool before choosing it).
    /// </summary>
    public ArchiveCompression Compression { get; set; } = ArchiveCompression.Snappy;

    /// <summary>Rows per row group; a batch larger than this becomes several row groups in the same file.</summary>
    public int RowGroupSize { get; set; } = 100_000;

    /// <summary>How many objects of one batch (titles × hours) are put at the same time.</summary>
    public int MaxConcurrentWrites { get; set; } = 4;

    /// <summary>Null when the options are usable, otherwise why not.</summary>
    public string? Problem() =>
        !Enum.IsDefined(Compression) ? $"{SectionName}:Compression must be Snappy or Zstd."
        : RowGroupSize is < 1 or > MaxRowGroupSize ? $"{SectionName}:RowGroupSize must be 1 to {MaxRowGroupSize}."
        : MaxConcurrentWrites is < 1 or > MaxConcurrentWritesLimit ? $"{SectionName}:MaxConcurrentWrites must be 1 to {MaxConcurrentWritesLimit}."
        : null;
}

/// <summary>The codecs the archive offers (see <see cref="ParquetEventArchiveOptions.Compression"/>).</summary>
public enum ArchiveCompression
{
    Snappy,
    Zstd,
}
