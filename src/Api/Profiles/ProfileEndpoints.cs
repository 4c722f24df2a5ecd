using GameBackend.Api.Infrastructure;
using GameBackend.Core.Profiles;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Profiles;

/// <summary>
/// Profiles: the caller's own (read, conditional update with If-Match) and other players' of the same
/// title. The title always comes from the caller's token, never from the route, so another title's player
/// ids are simply not found.
/// </summary>
public static class ProfileEndpoints
{
    public const string Tag = "Profiles";

    public static void Map(IEndpointRouteBuilder v1, PlayerAuthFilter player)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var group = v1.MapGroup("/").WithTags(Tag).AddEndpointFilter(player);

        group.MapGet("/profile", GetOwnProfile)
            .WithName("GetProfile")
            .WithSummary("The caller's profile; the ETag header is its version.")
            .ProducesProblems(401, 403, 404).CommonProblems();

        group.MapPatch("/profile", UpdateOwnProfile)
            .WithName("UpdateProfile")
            .WithSummary("Updates the members given; with If-Match, only if the profile is still at that version.")
            .AcceptsJson<ProfilePatchRequest>()
            .BodyProblems().ProducesProblems(401, 403, 404, 409).CommonProblems();

        group.MapGet("/players/{playerId}/profile", GetPlayerProfile)
            .WithName("GetPlayerProfile")
            .WithSummary("Another player's profile in the caller's title.")
            .ProducesProblems(401, 403, 404).CommonProblems();
    }

    private static async Task<Results<Ok<ProfileResponse>, ApiProblem>> GetOwnProfile(HttpContext httpContext, [FromServices] ProfileService profiles)
    {
        var caller = httpContext.CallerPlayer();
        var result = await profiles.GetAsync(caller.TitleId, caller.PlayerId, httpContext.RequestAborted);
        return Respond(httpContext, result);
    }

    private static async Task<Results<Ok<ProfileResponse>, ApiProblem>> GetPlayerProfile(
        HttpContext httpContext, string playerId, [FromServices] ProfileService profiles)
    {
        var caller = httpContext.CallerPlayer();
        var result = await profiles.GetAsync(caller.TitleId, playerId, httpContext.RequestAborted);
        return Respond(httpContext, result);
    }

    private static async Task<Results<Ok<ProfileResponse>, ApiProblem>> UpdateOwnProfile(
        HttpContext httpContext, [FromServices] ProfileService profiles, [FromServices] ApiLimits limits)
    {
        if (!EntityTags.TryParseIfMatch(httpContext.Request.Headers.IfMatch, out var expectedVersion))
        {
            return new ApiProblem(400, ApiErrorCodes.InvalidIfMatch, "If-Match must be one entity tag (or *).");
        }

        var body = await JsonBody.ReadAsync(httpContext, ApiJsonContext.Default.ProfilePatchRequest, limits.MaxRequestBodyBytes);
        if (body.Value is not { } request)
        {
            return body.Problem!;
        }

        var caller = httpContext.CallerPlayer();
        var update = new ProfileUpdate(request.DisplayName, request.AvatarUrl, request.Locale, request.Metadata);
        var result = await profiles.UpdateAsync(caller.TitleId, caller.PlayerId, update, expectedVersion, httpContext.RequestAborted);
        return Respond(httpContext, result);
    }

    private static Results<Ok<ProfileResponse>, ApiProblem> Respond(HttpContext httpContext, Core.Common.Result<Profile> result)
    {
        if (!result.IsSuccess)
        {
            return ApiProblem.From(result.Error);
        }

        var profile = result.Value;
        httpContext.Response.Headers.ETag = EntityTags.Format(profile.Version);
        return TypedResults.Ok(ProfileResponse.From(profile));
    }
}
