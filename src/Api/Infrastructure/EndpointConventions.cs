using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace GameBackend.Api.Infrastructure;

/// <summary>OpenAPI metadata shared by the feature files, so each route states its problems in one line.</summary>
internal static class EndpointConventions
{
    /// <summary>Declares problem responses (application/problem+json, shaped as <see cref="ProblemDocument"/>) for each status.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params ReadOnlySpan<int> statuses)
    {
        foreach (var status in statuses)
        {
            builder.Produces<ProblemDocument>(status, ApiProblem.MediaType);
        }

        return builder;
    }

    /// <summary>A JSON body of type <typeparamref name="T"/> (read by <see cref="JsonBody"/>, not by binding).</summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder builder)
        where T : notnull =>
        builder.Accepts<T>("application/json");

    /// <summary>Problems every route can answer: 429 rate limited, 500 a bug.</summary>
    public static RouteHandlerBuilder CommonProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesProblems(StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError);

    /// <summary>Problems of a route with a JSON body: 400, 413, 415.</summary>
    public static RouteHandlerBuilder BodyProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
}
