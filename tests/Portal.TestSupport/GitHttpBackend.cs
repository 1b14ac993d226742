using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Portal.TestSupport;

/// <summary>
/// git's smart HTTP protocol for the fake git hosts (<see cref="FakeGitHubServer"/>, <see cref="FakeGitLabServer"/>): the
/// request is handed to the real <c>git http-backend</c>, run as a CGI program over the bare repositories in a folder,
/// and its answer relayed, so <c>git clone</c>, <c>fetch</c> and <c>push</c> speak to the fakes exactly as to a git host.
/// </summary>
public static class GitHttpBackend
{
    /// <summary>
    /// Whether an upload-pack request fetches objects: protocol v2 also POSTs <c>command=ls-refs</c> (what
    /// <c>ls-remote</c> sends), which is let through. The body stays readable for <c>git http-backend</c>.
    /// </summary>
    public static async Task<bool> IsFetchAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var copy = new MemoryStream();
        await request.Body.CopyToAsync(copy);
        request.Body.Position = 0;
        copy.Position = 0;
        Stream body = request.Headers.ContentEncoding.ToString() == "gzip" ? new System.IO.Compression.GZipStream(copy, System.IO.Compression.CompressionMode.Decompress) : copy;
        using var reader = new StreamReader(body, Encoding.Latin1);
        var text = await reader.ReadToEndAsync();
        return !text.Contains("command=ls-refs", StringComparison.Ordinal);
    }

    /// <summary>Serves one request, after the caller checked its credentials; <paramref name="user"/> is who pushes.</summary>
    public static async Task ServeAsync(HttpContext context, string root, string user)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("http-backend");
        start.Environment["GIT_PROJECT_ROOT"] = root;
        start.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["PATH_INFO"] = context.Request.Path.Value!;
        start.Environment["REQUEST_METHOD"] = context.Request.Method;
        start.Environment["QUERY_STRING"] = context.Request.QueryString.Value?.TrimStart('?') ?? "";
        start.Environment["CONTENT_TYPE"] = context.Request.ContentType ?? "";
        start.Environment["REMOTE_USER"] = user; // an authenticated user: http-backend then accepts pushes
        start.Environment["REMOTE_ADDR"] = "127.0.0.1";
        if (context.Request.Headers["Git-Protocol"].ToString() is { Length: > 0 } protocol)
        {
            start.Environment["GIT_PROTOCOL"] = protocol;
        }
        if (context.Request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding)
        {
            start.Environment["HTTP_CONTENT_ENCODING"] = encoding;
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var feed = Task.Run(async () =>
        {
            await context.Request.Body.CopyToAsync(process.StandardInput.BaseStream);
            process.StandardInput.Close();
        });
        var output = process.StandardOutput.BaseStream;
        // CGI: header lines, an empty line, then the body.
        while (ReadLine(output) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (line[..colon], line[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.StatusCode = int.Parse(value[..3], System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                context.Response.Headers.Append(name, value);
            }
        }
        await output.CopyToAsync(context.Response.Body);
        await feed;
        await process.WaitForExitAsync();
        await stderr;
    }

    private static string ReadLine(Stream stream)
    {
        var bytes = new List<byte>();
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n')
        {
            bytes.Add((byte)b);
        }
        return Encoding.ASCII.GetString([.. bytes]).TrimEnd('\r');
    }

    /// <summary>Makes a bare repository as someone else would have, with one commit on main, so its name is taken.</summary>
    public static async Task CreateTakenAsync(string bare)
    {
        Directory.CreateDirectory(bare);
        await RunGitAsync(bare, null, "init", "-q", "--bare", "-b", "main");
        var work = Path.Combine(Path.GetTempPath(), "taken-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        await File.WriteAllTextAsync(Path.Combine(work, "README.md"), "someone else's\n");
        await RunGitAsync(work, null, "init", "-q", "-b", "main");
        await RunGitAsync(work, null, "add", "--all");
        await RunGitAsync(work, null, "-c", "user.name=Someone", "-c", "user.email=someone@example.com", "commit", "-q", "-m", "Theirs");
        await RunGitAsync(work, null, "push", "-q", bare, "main");
        Directory.Delete(work, recursive: true);
    }

    /// <summary>Clones <paramref name="url"/> (optionally one branch) into a new temporary folder, with git's settings in <paramref name="environment"/>.</summary>
    public static async Task<string> CloneAsync(string url, IReadOnlyDictionary<string, string> environment, string? branch)
    {
        var clone = Path.Combine(Path.GetTempPath(), "fake-forge-clone-" + Guid.NewGuid().ToString("N"));
        string[] args = branch is null ? ["clone", "-q", url, clone] : ["clone", "-q", "--branch", branch, url, clone];
        await RunGitAsync(Path.GetTempPath(), environment, args);
        return clone;
    }

    /// <summary>Runs git for a fake host's own bookkeeping (making a repository); fails with git's error.</summary>
    public static async Task RunGitAsync(string directory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await stdout;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {await stderr}");
        }
    }
}
