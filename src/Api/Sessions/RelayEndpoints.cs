using System.Text.Json;
using GameBackend.Api.Infrastructure;
using GameBackend.Core.Common;
using GameBackend.Core.Sessions;
using GameBackend.Core.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace GameBackend.Api.Sessions;

/// <summary>
/// The relay registry over HTTP. Relays send heartbeats signed with a relay key of their title (no server key: a relay
/// operator holds only the relay secret) and learn the title's current relay keys from the answer; the studio lists
/// its live relays with the server key.
/// </summary>
public static class RelayEndpoints
{
    public static void Map(IEndpointRouteBuilder v1, ServerKeyFilter serverKey)
    {
        ArgumentNullException.ThrowIfNull(v1);
        v1.MapPost("/relays/heartbeat", Heartbeat)
            .WithTags(RelayKeyEndpoints.Tag)
            .WithName("RelayHeartbeat")
            .WithSummary("A relay reports itself and its session events, signed with a relay key (X-Relay-Title, X-Relay-Timestamp, X-Relay-Signature); the answer lists the title's active relay keys.")
            .AcceptsJson<RelayHeartbeatRequest>()
            .BodyProblems().ProducesProblems(401, 503).CommonProblems();

        v1.MapGet("/admin/relays", List)
            .WithTags(RelayKeyEndpoints.Tag)
            .AddEndpointFilter(serverKey)
            .WithName("AdminListRelays")
            .WithSummary("The title's live relays with their last heartbeat and whether they take new matches.")
            .ProducesProblems(401).CommonProblems();
    }

    private static async Task<Results<Ok<RelayHeartbeatResponse>, ApiProblem>> Heartbeat(
        HttpContext httpContext, [FromServices] RelayAuthentication authentication, [FromServices] RelayRegistry registry, [FromServices] RequestThrottle throttle)
    {
        var ct = httpContext.RequestAborted;
        var body = await JsonBody.ReadBytesAsync(httpContext, RelayRegistry.MaxHeartbeatBytes);
        if (body.Bytes is not { } bytes)
        {
            return body.Problem!;
        }

        // The signature covers the raw bytes, so the body is authenticated before a byte of it is parsed.
        var headers = httpContext.Request.Headers;
        var authenticated = await authentication.AuthenticateAsync(
            Single(headers[RelaySignature.TitleHeader]), Single(headers[RelaySignature.TimestampHeader]), Single(headers[RelaySignature.SignatureHeader]), bytes, ct);
        if (!authenticated.IsSuccess)
        {
            return ApiProblem.From(authenticated.Error);
        }

        var title = authenticated.Value.Title;
        if (!throttle.TryAcquire(title, null, httpContext.Connection.RemoteIpAddress, ClientKind.StudioServer, out var retryAfter))
        {
            return PlayerAuthFilter.RateLimited(retryAfter);
        }

        RelayHeartbeatRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(bytes, ApiJsonContext.Default.RelayHeartbeatRequest);
        }
        catch (JsonException ex)
        {
            return JsonBody.Describe(ex);
        }

        if (request is null)
        {
            return new ApiProblem(400, ApiErrorCodes.InvalidJson, "The body must be a JSON object.");
        }

        var result = await registry.HeartbeatAsync(title.Id, request.ToHeartbeat(), authenticated.Value.SignedAt, ct);
        if (!result.IsSuccess)
        {
            var problem = ApiProblem.From(result.Error);
            return problem.Status == StatusCodes.Status503ServiceUnavailable
                ? new ApiProblem(problem.Status, problem.Code, problem.Detail, problem.Details) { RetryAfter = RelayRegistry.HeartbeatInterval }
                : problem;
        }

        return TypedResults.Ok(new RelayHeartbeatResponse(ActiveKeys(title), (int)RelayRegistry.HeartbeatInterval.TotalSeconds));
    }

    private static async Task<Ok<RelayListResponse>> List(HttpContext httpContext, [FromServices] RelayRegistry registry, [FromServices] TimeProvider time)
    {
        var relays = await registry.ListAsync(httpContext.CallerTitle().Id, httpContext.RequestAborted);
        var now = time.GetUtcNow();
        return TypedResults.Ok(new RelayListResponse(relays.Select(r => RelayResponse.From(r, now)).ToList()));
    }

    /// <summary>Every relay key that still validates join tokens, so a relay accepts tokens signed before a rotation too.</summary>
    private static List<RelaySecretResponse> ActiveKeys(Title title) =>
        title.ActiveRelayKeys
            .Select(k => new RelaySecretResponse(k.KeyId, System.Buffers.Text.Base64Url.EncodeToString(k.Secret)))
            .ToList();

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 1 ? values[0] : null;
}
