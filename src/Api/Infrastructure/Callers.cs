using GameBackend.Core.Accounts;
using GameBackend.Core.Tenancy;
using Microsoft.AspNetCore.Http;

namespace GameBackend.Api.Infrastructure;

/// <summary>
/// Who is calling, as proven by the endpoint filter of the route: always the title, and the player on
/// bearer-protected routes. Stored as a request feature so handlers read it without a dictionary lookup by string.
/// </summary>
public sealed class ApiCaller
{
    public ApiCaller(Title title, PlayerPrincipal? player, DateTimeOffset? playerSince = null)
    {
        Title = title;
        Player = player;
        PlayerSince = playerSince;
    }

    public Title Title { get; }

    public PlayerPrincipal? Player { get; }

    /// <summary>
    /// When the player's account was created, from the account the filter read anyway (bearer routes); telemetry
    /// stamps it on events as their cohort, so neither the client nor the analytics have to look it up.
    /// </summary>
    public DateTimeOffset? PlayerSince { get; }
}

public static class ApiCallerExtensions
{
    /// <summary>The authenticated title; only valid on routes behind one of the auth filters.</summary>
    public static Title CallerTitle(this HttpContext httpContext) => Caller(httpContext).Title;

    /// <summary>The authenticated player; only valid on bearer-protected routes.</summary>
    public static PlayerPrincipal CallerPlayer(this HttpContext httpContext) =>
        Caller(httpContext).Player ?? throw new InvalidOperationException("This route is not bearer-protected.");

    /// <summary>When the authenticated player's account was created; only valid on bearer-protected routes.</summary>
    public static DateTimeOffset CallerPlayerSince(this HttpContext httpContext) =>
        Caller(httpContext).PlayerSince ?? throw new InvalidOperationException("This route is not bearer-protected.");

    private static ApiCaller Caller(HttpContext httpContext) =>
        httpContext.Features.Get<ApiCaller>() ?? throw new InvalidOperationException("No auth filter ran for this route.");
}

/// <summary>Header names of the API's credentials.</summary>
public static class ApiHeaders
{
    public const string ClientKey = "X-Client-Key";
    public const string ServerKey = "X-Server-Key";
}

/// <summary>
/// Bearer-protected routes: the access token is validated (signature, algorithm, lifetime, title), the caller
/// is rate limited, then the account is authorized (ban, disable, revoked session), on every request.
/// </summary>
public sealed class PlayerAuthFilter(AccessTokens tokens, TitleService titles, AccountService accounts, RequestThrottle throttle) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var ct = http.RequestAborted;
        var validated = await tokens.ValidateAsync(BearerToken(http.Request), ct);
        if (!validated.IsSuccess)
        {
            return Challenge(ApiProblem.From(validated.Error));
        }

        var principal = validated.Value;
        var title = await titles.FindAsync(principal.TitleId, false, ct);
        if (title is null)
        {
            return Challenge(new ApiProblem(401, Core.Common.ErrorCodes.InvalidToken, "The access token's title does not exist."));
        }

        if (!throttle.TryAcquire(title, principal.PlayerId, null, ClientKind.Player, out var retryAfter))
        {
            return RateLimited(retryAfter);
        }

        var authorized = await accounts.AuthorizeAsync(principal, ct);
        if (!authorized.IsSuccess)
        {
            return Challenge(ApiProblem.From(authorized.Error));
        }

        http.Features.Set(new ApiCaller(title, principal, authorized.Value.CreatedAt));
        return await next(context);
    }

    internal static ApiProblem RateLimited(TimeSpan retryAfter) =>
        new(429, ApiErrorCodes.RateLimited, "Too many requests; retry after the time in Retry-After.") { RetryAfter = retryAfter };

    private static ApiProblem Challenge(ApiProblem problem) =>
        problem.Status == 401
            ? new ApiProblem(problem.Status, problem.Code, problem.Detail, problem.Details) { BearerChallenge = true }
            : problem;

    /// <summary>The token of "Authorization: Bearer &lt;token&gt;" (scheme case-insensitive), or null.</summary>
    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1)
        {
            return null;
        }

        var value = header[0];
        const string scheme = "Bearer ";
        if (value is null || value.Length <= scheme.Length || !value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return value[scheme.Length..].Trim();
    }
}

/// <summary>Sign-in routes of game clients: the title's public client key in <c>X-Client-Key</c>.</summary>
public sealed class ClientKeyFilter(TitleService titles, RequestThrottle throttle) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var key = http.Request.Headers[ApiHeaders.ClientKey];
        var authenticated = await titles.AuthenticateClientKeyAsync(key.Count == 1 ? key[0] : null, http.RequestAborted);
        if (!authenticated.IsSuccess)
        {
            return ApiProblem.From(authenticated.Error);
        }

        var title = authenticated.Value;
        if (!throttle.TryAcquire(title, null, http.Connection.RemoteIpAddress, ClientKind.GameClient, out var retryAfter))
        {
            return PlayerAuthFilter.RateLimited(retryAfter);
        }

        http.Features.Set(new ApiCaller(title, null));
        return await next(context);
    }
}

/// <summary>Studio-server and admin routes: the title's secret server key in <c>X-Server-Key</c>.</summary>
public sealed class ServerKeyFilter(TitleService titles, RequestThrottle throttle) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var key = http.Request.Headers[ApiHeaders.ServerKey];
        var authenticated = await titles.AuthenticateServerKeyAsync(key.Count == 1 ? key[0] : null, http.RequestAborted);
        if (!authenticated.IsSuccess)
        {
            return ApiProblem.From(authenticated.Error);
        }

        var title = authenticated.Value;
        if (!throttle.TryAcquire(title, null, http.Connection.RemoteIpAddress, ClientKind.StudioServer, out var retryAfter))
        {
            return PlayerAuthFilter.RateLimited(retryAfter);
        }

        http.Features.Set(new ApiCaller(title, null));
        return await next(context);
    }
}
