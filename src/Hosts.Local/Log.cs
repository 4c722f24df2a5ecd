namespace GameBackend.Hosts.Local;

/// <summary>Source-generated log messages of the local host.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Storing data in {DatabasePath}")]
    public static partial void StoringDataIn(ILogger logger, string databasePath);
}
