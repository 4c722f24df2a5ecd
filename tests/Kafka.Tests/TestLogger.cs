using Xunit.Abstractions;
using Microsoft.Extensions.Logging;

namespace GameBackend.Kafka.Tests;

/// <summary>Writes log lines to xunit's output of the running test, so a failing test shows what the client did.</summary>
internal sealed class TestLogger<T>(ITestOutputHelper? output) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {typeof(T).Name}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}";
        try
        {
            output?.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test already finished; a late line from a background thread has nowhere to go.
        }

        if (Environment.GetEnvironmentVariable("KAFKA_TESTS_LOG") == "1")
        {
            Console.Error.WriteLine(line);
        }
    }
}
