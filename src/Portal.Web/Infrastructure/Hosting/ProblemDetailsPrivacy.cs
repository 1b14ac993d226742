namespace Portal.Web.Infrastructure.Hosting;

/// <summary>
/// What a problem body may say. The developer exception page (Development, which <c>dotnet run</c> uses) adds an
/// <c>exception</c> member with the request's headers, so a body the API could not read came back with the caller's
/// bearer token and cookies in it. That member goes; the log keeps the stack trace. A body that could not be read
/// says why in the reader's terms (the JSON path and the type), in every environment.
/// </summary>
public static class ProblemDetailsPrivacy
{
    public static void Customize(ProblemDetailsContext context)
    {
        context.ProblemDetails.Extensions.Remove("exception");
        if (context.Exception is BadHttpRequestException unreadable)
        {
            context.ProblemDetails.Title = "The request could not be read";
            context.ProblemDetails.Detail = unreadable.InnerException is System.Text.Json.JsonException json
                ? $"The body is not JSON of the expected shape: {json.Message}"
                : unreadable.Message;
        }
    }
}
