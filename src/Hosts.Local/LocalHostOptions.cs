using GameBackend.Kafka;
using Microsoft.Extensions.Options;

namespace GameBackend.Hosts.Local;

/// <summary>
/// Settings of the one-process host (section <c>GameBackend</c>). The API's own settings live in
/// <c>GameBackend:Api</c> and <c>GameBackend:RateLimits</c> (see GameBackend.Api).
/// </summary>
public sealed class LocalHostOptions
{
    public const string SectionName = "GameBackend";
    public const string DefaultUrls = "http://127.0.0.1:8080";
    public const string DatabaseFileName = "gamebackend.db";

    /// <summary>Folder of the SQLite database; created on start. Relative paths are relative to the working directory.</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>Where to listen when <c>--urls</c> (or ASPNETCORE_URLS) is not given.</summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>Console log format: "simple" (one line per entry) or "json" (one JSON object per line).</summary>
    public string LogFormat { get; set; } = "simple";

    /// <summary>How often every matchmaking queue is ticked; 0 turns the scheduler off (tests tick by hand).</summary>
    public double MatchmakingTickSeconds { get; set; } = 1;

    /// <summary>
    /// Whether this process runs the analytics ingest consumer (<c>GameBackend:AnalyticsConsumer</c>). false is for Kafka
    /// only: the process publishes events and leaves them on the topic for the consumer group's other members, or for
    /// itself started again with true (bench/http/analytics.sh builds a backlog that way). The in-process bus has no
    /// other consumer, so false without <c>GameBackend:Kafka:BootstrapServers</c> is refused at start.
    /// </summary>
    public bool AnalyticsConsumer { get; set; } = true;

    /// <summary>The raw-event archive (<c>GameBackend:Archive</c>); its file format settings are the archive's own.</summary>
    public LocalArchiveOptions Archive { get; set; } = new();

    public string DatabasePath => Path.Combine(Path.GetFullPath(DataPath), DatabaseFileName);

    /// <summary>The archive's folder: <see cref="LocalArchiveOptions.Path"/>, or <c>archive</c> beside the database.</summary>
    public string ArchivePath => Path.GetFullPath(string.IsNullOrWhiteSpace(Archive.Path) ? Path.Combine(DataPath, LocalArchiveOptions.DefaultFolderName) : Archive.Path);
}

/// <summary>Where Hosts.Local keeps archived events as Parquet files (Hive-style folders that DuckDB or Spark read as they are).</summary>
public sealed class LocalArchiveOptions
{
    public const string DefaultFolderName = "archive";

    /// <summary>The folder (<c>GameBackend:Archive:Path</c>); empty means <c>archive</c> under <see cref="LocalHostOptions.DataPath"/>.</summary>
    public string? Path { get; set; }
}

internal sealed class LocalHostOptionsValidator(IConfiguration configuration) : IValidateOptions<LocalHostOptions>
{
    public ValidateOptionsResult Validate(string? name, LocalHostOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.DataPath))
        {
            return ValidateOptionsResult.Fail("GameBackend:DataPath must name a folder.");
        }

        if (options.LogFormat is not ("simple" or "json"))
        {
            return ValidateOptionsResult.Fail($"GameBackend:LogFormat must be \"simple\" or \"json\" (was \"{options.LogFormat}\").");
        }

        if (!double.IsFinite(options.MatchmakingTickSeconds) || options.MatchmakingTickSeconds < 0 || options.MatchmakingTickSeconds > 3600)
        {
            return ValidateOptionsResult.Fail("GameBackend:MatchmakingTickSeconds must be 0 (off) to 3600.");
        }

        if (!options.AnalyticsConsumer && string.IsNullOrWhiteSpace(configuration[KafkaOptions.SectionName + ":BootstrapServers"]))
        {
            return ValidateOptionsResult.Fail(
                "GameBackend:AnalyticsConsumer=false needs GameBackend:Kafka:BootstrapServers: without Kafka nothing else consumes this process's events.");
        }

        return ValidateOptionsResult.Success;
    }
}
