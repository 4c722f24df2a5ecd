namespace GameBackend.Hosts.Aws;

/// <summary>Codes only the AWS host answers (on the pass-through path); listed in docs/errors.md with the API's.</summary>
public static class HostErrorCodes
{
    /// <summary>Valid JSON, but not the event this function takes (a scheduled event to ingest, a Kafka batch to the tick, …).</summary>
    public const string UnsupportedEvent = "unsupported_event";
}
