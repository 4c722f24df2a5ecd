namespace GameBackend.Core.Storage;

/// <summary>
/// Thrown by a store when a continuation token was not made by it for this query. Tokens come back
/// from clients, so Api maps this to a 400 ("invalid_continuation_token") rather than a 500.
/// </summary>
public sealed class InvalidContinuationTokenException : ArgumentException
{
    public InvalidContinuationTokenException()
        : base("The continuation token is not valid for this query.")
    {
    }

    public InvalidContinuationTokenException(string message)
        : base(message)
    {
    }

    public InvalidContinuationTokenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
