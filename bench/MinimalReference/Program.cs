using System.Text.Json.Serialization;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ReferenceJson.Default));
var app = builder.Build();
app.MapGet("/ping", () => TypedResults.Ok(new Pong("pong", 42)));
app.MapPost("/echo", (Pong body) => TypedResults.Ok(body));
app.Run();

internal sealed record Pong(string Message, int Number);

[JsonSerializable(typeof(Pong))]
internal sealed partial class ReferenceJson : JsonSerializerContext;
