using GameBackend.Api.Infrastructure;
using GameBackend.Core.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Accounts;

/// <summary>
/// Sign-in, sign-up, refresh and sign-out. Game clients prove the title with the public client key;
/// custom ids come only from the studio's servers (server key), because the client cannot be trusted to
/// assert an identity of the studio's own system.
/// </summary>
public static class AuthEndpoints
{
    public const string Tag = "Auth";

    public static void Map(IEndpointRouteBuilder v1, ClientKeyFilter clientKey, ServerKeyFilter serverKey, PlayerAuthFilter player)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var auth = v1.MapGroup("/auth").WithTags(Tag);

        auth.MapPost("/device", SignInWithDevice)
            .AddEndpointFilter(clientKey)
            .WithName("SignInWithDevice")
            .WithSummary("Signs in with a device id; creates the account on first use unless create is false.")
            .AcceptsJson<DeviceSignInRequest>()
            .BodyProblems().ProducesProblems(401, 403, 404).CommonProblems();

        auth.MapPost("/email/signup", SignUpWithEmail)
            .AddEndpointFilter(clientKey)
            .WithName("SignUpWithEmail")
            .WithSummary("Creates an account with email and password and signs it in.")
            .AcceptsJson<EmailCredentialsRequest>()
            .BodyProblems().ProducesProblems(401, 409).CommonProblems();

        auth.MapPost("/email", SignInWithEmail)
            .AddEndpointFilter(clientKey)
            .WithName("SignInWithEmail")
            .WithSummary("Signs in with email and password.")
            .AcceptsJson<EmailCredentialsRequest>()
            .BodyProblems().ProducesProblems(401, 403).CommonProblems();

        auth.MapPost("/custom", SignInWithCustomId)
            .AddEndpointFilter(serverKey)
            .WithName("SignInWithCustomId")
            .WithSummary("Studio servers only (X-Server-Key): signs a player in with the studio's own id.")
            .AcceptsJson<CustomSignInRequest>()
            .BodyProblems().ProducesProblems(401, 403, 404).CommonProblems();

        auth.MapPost("/refresh", Refresh)
            .AddEndpointFilter(clientKey)
            .WithName("Refresh")
            .WithSummary("Rotates the refresh token; presenting a rotated one again revokes the whole session.")
            .AcceptsJson<RefreshRequest>()
            .BodyProblems().ProducesProblems(401, 403).CommonProblems();

        auth.MapPost("/signout", SignOut)
            .AddEndpointFilter(player)
            .WithName("SignOut")
            .WithSummary("Ends the caller's session: its refresh token and access tokens stop working.")
            .ProducesProblems(401, 403).CommonProblems();
    }

    private static async Task<Results<Ok<SignInResponse>, ApiProblem>> SignInWithDevice(
        HttpContext httpContext, [FromServices] AccountService accounts, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.DeviceSignInRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var result = await accounts.SignInWithDeviceAsync(httpContext.CallerTitle(), request.DeviceId, request.Create, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(SignInResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<SignInResponse>, ApiProblem>> SignUpWithEmail(
        HttpContext httpContext, [FromServices] AccountService accounts, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.EmailCredentialsRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var result = await accounts.SignUpWithEmailAsync(httpContext.CallerTitle(), request.Email, request.Password, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(SignInResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<SignInResponse>, ApiProblem>> SignInWithEmail(
        HttpContext httpContext, [FromServices] AccountService accounts, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.EmailCredentialsRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var result = await accounts.SignInWithEmailAsync(httpContext.CallerTitle(), request.Email, request.Password, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(SignInResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<SignInResponse>, ApiProblem>> SignInWithCustomId(
        HttpContext httpContext, [FromServices] AccountService accounts, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.CustomSignInRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var result = await accounts.SignInWithCustomIdAsync(httpContext.CallerTitle(), request.CustomId, request.Create, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(SignInResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<TokenResponse>, ApiProblem>> Refresh(
        HttpContext httpContext, [FromServices] AccountService accounts, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.RefreshRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var result = await accounts.RefreshAsync(httpContext.CallerTitle(), request.RefreshToken, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(TokenResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<NoContent, ApiProblem>> SignOut(HttpContext httpContext, [FromServices] AccountService accounts)
    {
        var result = await accounts.SignOutAsync(httpContext.CallerPlayer(), httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.NoContent() : ApiProblem.From(result.Error);
    }
}
