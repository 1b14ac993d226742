using System.Net.Http.Headers;
using System.Text;
using Portal.Web.Features.Cost;

namespace Portal.IntegrationTests.Cost;

/// <summary>Uploads for the cost tests: a file as the Cost page or a script would POST it.</summary>
public static class CostKit
{
    public static async Task<HttpResponseMessage> ImportAsync(HttpClient client, byte[] content, string fileName, string mediaType = "text/csv")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        form.Add(file, "file", fileName);
        return await client.PostAsync(new Uri("/api/cost/imports", UriKind.Relative), form);
    }

    /// <summary>Writes <paramref name="rows"/> as a FOCUS CSV file and uploads it.</summary>
    public static Task<HttpResponseMessage> ImportAsync(HttpClient client, string fileName, IEnumerable<FocusRow> rows)
    {
        using var text = new StringWriter();
        FocusCsvWriter.WriteHeader(text);
        foreach (var row in rows)
        {
            FocusCsvWriter.WriteRow(text, row);
        }
        return ImportAsync(client, Encoding.UTF8.GetBytes(text.ToString()), fileName);
    }
}
