using GameBackend.Api.Infrastructure;
using GameBackend.Core.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Accounts;

/// <summary>The caller's own account: read it, link and unlink sign-in methods (bearer only).</summary>
public static class AccountEndpoints
{
    public const string Tag = "Accounts";

    public static void Map(IEndpointRouteBuilder v1, PlayerAuthFilter player)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var account = v1.MapGroup("/account").WithTags(Tag).AddEndpointFilter(player);

        account.MapGet("/", GetAccount)
            .WithName("GetAccount")
            .WithSummary("The caller's account and its linked sign-in methods.")
            .ProducesProblems(401, 403).CommonProblems();

        account.MapPost("/link/device", LinkDevice)
            .WithName("LinkDevice")
            .WithSummary("Links a device id to the caller's account.")
            .AcceptsJson<LinkDeviceRequest>()
            .BodyProblems().ProducesProblems(401, 403, 409).CommonProblems();

        account.MapPost("/link/email", LinkEmail)
            .WithName("LinkEmail")
            .WithSummary("Links an email and password to the caller's account.")
            .AcceptsJson<EmailCredentialsRequest>()
            .BodyProblems().ProducesProblems(401, 403, 409).CommonProblems();

        account.MapPost("/unlink", Unlink)
            .WithName("Unlink")
            .WithSummary("Removes a sign-in method; the last one cannot be removed.")
            .AcceptsJson<UnlinkRequest>()
            .BodyProblems().ProducesProblems(401, 403, 404, 409).CommonProblems();
    }

    private static async Task<Results<Ok<AccountResponse>, ApiProblem>> GetAccount(HttpContext httpContext, [FromServices] AccountService accounts)
    {
        var caller = httpContext.CallerPlayer();
        var result = await accounts.GetAccountAsync(caller.TitleId, caller.PlayerId, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(AccountResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<AccountResponse>, ApiProblem>> LinkDevice(
        HttpContext httpContext, [FromServices] AccountService accounts, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.LinkDeviceRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var result = await accounts.LinkDeviceAsync(httpContext.CallerPlayer(), request.DeviceId, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(AccountResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<AccountResponse>, ApiProblem>> LinkEmail(
        HttpContext httpContext, [FromServices] AccountService accounts, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.EmailCredentialsRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var result = await accounts.LinkEmailAsync(httpContext.CallerPlayer(), request.Email, request.Password, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(AccountResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<AccountResponse>, ApiProblem>> Unlink(
        HttpContext httpContext, [FromServices] AccountService accounts, [FromServices] ApiLimits limits)
    {
        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.UnlinkRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        if (!SignInMethods.TryParse(request.Method, out var method))
        {
            return new ApiProblem(400, ApiErrorCodes.InvalidSignInMethod, "method must be \"device\", \"email\" or \"custom\".");
        }

        var result = await accounts.UnlinkAsync(httpContext.CallerPlayer(), method, request.Subject, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(AccountResponse.From(result.Value)) : ApiProblem.From(result.Error);
    }
}
