using System.Diagnostics.CodeAnalysis;

namespace GameBackend.Core.Common;

/// <summary>
/// The outcome of an operation that can fail in an expected way. Expected failures are values,
/// not exceptions: they are cheap, visible in signatures, and mapped once to problem details.
/// </summary>
public readonly struct Result<T>
{
    private readonly T? _value;

    private Result(T? value, Error? error)
    {
        _value = value;
        Error = error;
    }

    /// <summary>The failure, or null on success.</summary>
    public Error? Error { get; }

    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsSuccess => Error is null;

    /// <summary>The value; throws if this is a failure (a programming error, not an expected one).</summary>
    public T Value => IsSuccess ? _value! : throw new InvalidOperationException($"Result is a failure: {Error.Code}");

    public static Result<T> Success(T value) => new(value, null);

    public static Result<T> Failure(Error error) => new(default, error);

    public static implicit operator Result<T>(T value) => Success(value);

    public static implicit operator Result<T>(Error error) => Failure(error);
}
