using Microsoft.Extensions.Options;

namespace GameBackend.Api.Infrastructure;

/// <summary>
/// Limits of the HTTP surface itself (section <c>GameBackend:Api</c>). Small bodies keep a hostile client from
/// making the server buffer megabytes of JSON: no request of this API needs more than a few KiB.
/// </summary>
public sealed class ApiOptions
{
    public const string SectionName = "GameBackend:Api";

    /// <summary>Largest request body accepted; larger answers 413 "request_too_large".</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;
}

/// <summary>
/// Token-bucket rate limits (section <c>GameBackend:RateLimits</c>). Each bucket holds one second of
/// permits. A title's own <c>TitleSettings.RequestsPerSecond</c> / <c>RequestsPerSecondPerClient</c>
/// override these defaults when set (non-zero). The per-client default is what one game client can
/// plausibly need with room to spare; a load test that drives one address or one player raises it
/// in configuration (bench/http/run.sh does).
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "GameBackend:RateLimits";

    /// <summary>Turns every limit off (for example behind a gateway that already limits).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Requests per second for a whole title, every client together.</summary>
    public int RequestsPerSecondPerTitle { get; set; } = 50_000;

    /// <summary>Requests per second for one client: a player when authenticated, else an address (per title).</summary>
    public int RequestsPerSecondPerClient { get; set; } = 100;
}

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options) =>
        options.MaxRequestBodyBytes is < 1024 or > 4 * 1024 * 1024
            ? ValidateOptionsResult.Fail($"{ApiOptions.SectionName}:MaxRequestBodyBytes must be between 1024 and 4194304 (was {options.MaxRequestBodyBytes}).")
            : ValidateOptionsResult.Success;
}

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        List<string>? failures = null;
        if (options.RequestsPerSecondPerTitle < 1)
        {
            (failures ??= []).Add($"{RateLimitOptions.SectionName}:RequestsPerSecondPerTitle must be at least 1.");
        }

        if (options.RequestsPerSecondPerClient < 1)
        {
            (failures ??= []).Add($"{RateLimitOptions.SectionName}:RequestsPerSecondPerClient must be at least 1.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Per-request values the handlers need from options, resolved once.</summary>
public sealed class ApiLimits(IOptions<ApiOptions> options)
{
    public int MaxRequestBodyBytes { get; } = options.Value.MaxRequestBodyBytes;
}
