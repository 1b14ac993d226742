using System.Text.Json;

namespace Portal.Web.Infrastructure.Hosting;

/// <summary>
/// One check for every JSON request body: a string (or property name) holding a NUL character or an unpaired
/// surrogate is answered 400 with the property it was found in, before any endpoint binds it, so no API can pass
/// such text on to PostgreSQL (which refuses it with a 500). Bodies that are not valid JSON are left to the endpoint.
/// Only the API (<c>/api</c>) is checked: the OTLP receiver reads its own bodies into pooled buffers under its own
/// limits, and copying every JSON export here first would undo that on the ingestion hot path.
/// </summary>
public sealed class StorableTextGuard(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HasJsonBody(context.Request))
        {
            await next(context);
            return;
        }
        context.Request.EnableBuffering();
        byte[] body;
        using (var copy = new MemoryStream())
        {
            await context.Request.Body.CopyToAsync(copy, context.RequestAborted);
            body = copy.ToArray();
        }
        context.Request.Body.Position = 0;
        if (Find(body) is { } problem)
        {
            await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The request has text that cannot be stored", detail: problem)
                .ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static bool HasJsonBody(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        && (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        && request.ContentType is { } type
        && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Contains("+json", StringComparison.OrdinalIgnoreCase));

    /// <summary>The first string in a JSON document that cannot be stored, described by where it is; null otherwise.</summary>
    public static string? Find(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var property = "";
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.PropertyName or JsonTokenType.String))
                {
                    continue;
                }
                var where = reader.TokenType == JsonTokenType.PropertyName ? "A property name" : property.Length == 0 ? "A value" : $"The value of '{StorableText.Clean(property)}'";
                string text;
                try
                {
                    text = reader.GetString()!;
                }
                catch (InvalidOperationException)
                {
                    return $"{where} contains an unpaired surrogate or invalid UTF-8, which cannot be stored.";
                }
                if (StorableText.Problem(text) is { } problem)
                {
                    return $"{where} contains {problem}, which cannot be stored.";
                }
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    property = text;
                }
            }
        }
        catch (JsonException)
        {
            return null; // not JSON: the endpoint answers that as it always has
        }
        return null;
    }
}
