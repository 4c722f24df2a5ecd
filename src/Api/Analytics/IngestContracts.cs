using System.Text.Json;
using GameBackend.Core.Analytics;

namespace GameBackend.Api.Analytics;

/// <summary>
/// The body of <c>POST /v1/analytics/events</c>, for the OpenAPI document only: the handler reads the body event by
/// event (<see cref="IngestEndpoints"/>), so one malformed event costs that event, not the request.
/// </summary>
public sealed record IngestRequest(IReadOnlyList<TelemetryEventRequest> Events);

/// <summary>
/// One client event: a client-made id (unique per player; a resend keeps it), a name, when it happened (RFC 3339 with
/// an offset), an optional session id and flat properties. The title and the player come from the access token.
/// </summary>
public sealed record TelemetryEventRequest(string Id, string Name, DateTimeOffset Time, string? SessionId, JsonElement? Properties);

/// <summary>What the bus accepted (<see cref="Accepted"/> events) and why the others were refused.</summary>
public sealed record IngestResponse(int Accepted, IReadOnlyList<TelemetryEventError> Rejected);
