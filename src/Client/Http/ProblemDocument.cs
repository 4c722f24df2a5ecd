using System;
using System.Collections.Generic;
using System.Text.Json;

namespace GameBackend.Client.Http;

/// <summary>RFC 9457 problem documents as the backend writes them (docs/errors.md), read without reflection.</summary>
internal static class ProblemDocument
{
    /// <summary>The exception the document describes, or null when the body is not a problem document with a code.</summary>
    public static GameBackendException? Parse(int status, byte[] body, TimeSpan? retryAfter)
    {
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? code = null;
            string? detail = null;
            string? traceId = null;
            Dictionary<string, string>? extensions = null;
            foreach (var member in root.EnumerateObject())
            {
                switch (member.Name)
                {
                    case "code":
                        code = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                        break;
                    case "detail":
                        detail = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                        break;
                    case "traceId":
                        traceId = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString() : null;
                        break;
                    case "type" or "title" or "status" or "instance":
                        break;
                    default:
                        extensions ??= new Dictionary<string, string>(StringComparer.Ordinal);
                        extensions[member.Name] = member.Value.ValueKind == JsonValueKind.String ? member.Value.GetString()! : member.Value.GetRawText();
                        break;
                }
            }

            return code is null ? null : new GameBackendException(status, code, detail, extensions, retryAfter, traceId);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
