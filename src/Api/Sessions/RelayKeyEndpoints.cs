using GameBackend.Api.Infrastructure;
using GameBackend.Core.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Sessions;

/// <summary>An active relay key: the relay verifies join tokens with it (and authenticates to the backend with it).</summary>
public sealed record RelayKeyResponse(string KeyId, string Secret, DateTimeOffset CreatedAt, bool Current);

public sealed record RelayKeyListResponse(IReadOnlyList<RelayKeyResponse> Items);

/// <summary>
/// The title's relay keys (X-Server-Key): the studio hands them to its relays. Rotation adds a key that signs new join
/// tokens at once; the previous one keeps validating until no token it signed can still be valid.
/// </summary>
public static class RelayKeyEndpoints
{
    public const string Tag = "Sessions";

    public static void Map(IEndpointRouteBuilder v1, ServerKeyFilter serverKey)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var admin = v1.MapGroup("/admin/keys/relay").WithTags(Tag).AddEndpointFilter(serverKey);

        admin.MapGet("/", List)
            .WithName("AdminListRelayKeys")
            .WithSummary("The title's active relay keys (id, secret as base64url), the current one flagged.")
            .ProducesProblems(401).CommonProblems();

        admin.MapPost("/rotate", Rotate)
            .WithName("AdminRotateRelayKey")
            .WithSummary("Adds a relay key that signs join tokens from now on; older keys validate until retired.")
            .ProducesProblems(401, 503).CommonProblems();
    }

    private static async Task<Results<Ok<RelayKeyListResponse>, ApiProblem>> List(HttpContext httpContext, [FromServices] TitleService titles)
    {
        var result = await titles.EnsureRelayKeyAsync(httpContext.CallerTitle().Id, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(ToResponse(result.Value)) : ApiProblem.From(result.Error);
    }

    private static async Task<Results<Ok<RelayKeyListResponse>, ApiProblem>> Rotate(HttpContext httpContext, [FromServices] TitleService titles)
    {
        var result = await titles.RotateRelayKeyAsync(httpContext.CallerTitle().Id, httpContext.RequestAborted);
        return result.IsSuccess ? TypedResults.Ok(ToResponse(result.Value)) : ApiProblem.From(result.Error);
    }

    private static RelayKeyListResponse ToResponse(Title title)
    {
        var current = title.CurrentRelayKey;
        return new RelayKeyListResponse(title.ActiveRelayKeys
            .Select(k => new RelayKeyResponse(k.KeyId, System.Buffers.Text.Base64Url.EncodeToString(k.Secret), k.CreatedAt, ReferenceEquals(k, current)))
            .ToList());
    }
}
