using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.FileSystemGlobbing;
using Portal.Web.Infrastructure.Files;
using YamlDotNet.RepresentationModel;

namespace Portal.Web.Features.Catalog.Ingestion;

/// <summary>
/// Reads every descriptor a location yields: files (path or glob), git repositories (cloned into
/// a cache) and https URLs. Location entities are followed, loops are reported, and nothing is
/// read outside the location's own folder (no <c>../../etc/passwd</c> through a target or <c>$text</c>, and no
/// symbolic link that leads out of it: every file is checked by its real path before it is read).
/// </summary>
public sealed class LocationReader(CatalogOptions options, IHttpClientFactory? httpFactory = null)
{
    private static readonly string[] SubstitutionKeys = ["$text", "$json", "$yaml"];

    public async Task<LocationReadResult> ReadAsync(LocationSpec spec, CancellationToken cancellationToken)
    {
        var result = new LocationReadResult();
        try
        {
            switch (spec.Type)
            {
                case "file":
                    {
                        var target = System.IO.Path.GetFullPath(spec.Target);
                        ReadFiles(target, new ReadScope(RootOf(target), NoLinks), result, new HashSet<string>(StringComparer.Ordinal), depth: 0, top: true);
                        break;
                    }
                case "git":
                    {
                        var checkout = System.IO.Path.GetFullPath(await GitMirror.SyncAsync(spec.Target, spec.Branch, options.ResolveGitCacheDirectory(),
                            LocationCredentials.GitEnvironment(spec.Target, options.GitCredentials), cancellationToken));
                        var inRepo = string.IsNullOrWhiteSpace(spec.Path) ? "catalog-info.yaml" : spec.Path.TrimStart('/');
                        var target = System.IO.Path.GetFullPath(System.IO.Path.Combine(checkout, inRepo));
                        if (!IsWithin(target, checkout))
                        {
                            throw new LocationException($"The path '{spec.Path}' leaves the repository.");
                        }
                        // Checked out without symlinks, a link is a small file holding its target's path: not a descriptor, not content.
                        var links = GitMirror.RecordedLinks(checkout);
                        ReadFiles(target, new ReadScope(checkout, links), result, new HashSet<string>(StringComparer.Ordinal), depth: 0, top: true);
                        break;
                    }
                case "url":
                    await ReadUrlAsync(new Uri(spec.Target), result, new HashSet<string>(StringComparer.Ordinal), depth: 0, cancellationToken);
                    break;
                default:
                    throw new LocationException($"Unknown location type '{spec.Type}': use file, git or url.");
            }
        }
        catch (LocationException ex)
        {
            result.Failed = true;
            result.Problems.Add(new ReadProblem(LocationCredentials.Redact(spec.Target), null, null, ex.Message));
        }
        if (result.Entities.Count > options.MaxEntitiesPerLocation)
        {
            result.Failed = true;
            result.Problems.Add(new ReadProblem(LocationCredentials.Redact(spec.Target), null, null,
                $"The location yields {result.Entities.Count} entities, more than the limit of {options.MaxEntitiesPerLocation} (Portal:Catalog:MaxEntitiesPerLocation)."));
            result.Entities.Clear();
        }
        return result;
    }

    /// <summary>The folder a file location may read from: the target's folder, or a glob's fixed prefix.</summary>
    public static string RootOf(string target)
    {
        var globAt = target.IndexOfAny(['*', '?', '[', '{']);
        var fixedPart = globAt < 0 ? target : target[..globAt];
        var dir = globAt < 0 ? System.IO.Path.GetDirectoryName(fixedPart) : fixedPart[..(fixedPart.LastIndexOf('/') + 1)];
        return System.IO.Path.GetFullPath(string.IsNullOrEmpty(dir) ? "/" : dir);
    }

    private static readonly IReadOnlySet<string> NoLinks = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The folder a location may read from, and the files a git checkout holds as symbolic links (by full path).</summary>
    private sealed record ReadScope(string Root, IReadOnlySet<string> GitLinks);

    /// <summary>
    /// The real path of a file the location may read, or why not: a symbolic link (or a folder link on the way) that
    /// leads outside the location's folder, or a link recorded in the git repository, is refused by name.
    /// </summary>
    private static (string? Real, string? Refusal) Contained(string path, ReadScope scope, string named)
    {
        if (scope.GitLinks.Count > 0 && IsOrUnderGitLink(path, scope))
        {
            return (null, $"{named} is a symbolic link in the repository; links are not followed, so it was not read.");
        }
        var real = RealPath.Within(path, scope.Root);
        return real is null
            ? (null, $"{named} is or passes through a symbolic link that leads outside the location's folder; it was not read.")
            : (real, null);
    }

    private static bool IsOrUnderGitLink(string path, ReadScope scope)
    {
        for (var at = path; at.Length > scope.Root.Length; at = System.IO.Path.GetDirectoryName(at) ?? "")
        {
            if (scope.GitLinks.Contains(at))
            {
                return true;
            }
        }
        return false;
    }

    private void ReadFiles(string target, ReadScope scope, LocationReadResult result, HashSet<string> visited, int depth, bool top)
    {
        var root = scope.Root;
        if (depth > 32)
        {
            result.Problems.Add(new ReadProblem(target, null, null, "Locations are nested more than 32 deep; stopped following them."));
            return;
        }
        if (!IsWithin(target, root))
        {
            result.Problems.Add(new ReadProblem(target, null, null, $"The target leaves the location's folder {root}; it was not read."));
            return;
        }
        var files = Expand(target);
        if (files.Count == 0)
        {
            if (top)
            {
                throw new LocationException(target.IndexOfAny(['*', '?']) >= 0 ? $"No file matches {target}." : $"The file {target} does not exist.");
            }
            result.Problems.Add(new ReadProblem(target, null, null, "The target does not exist."));
            return;
        }
        foreach (var file in files)
        {
            if (!visited.Add(file))
            {
                result.Problems.Add(new ReadProblem(file, null, null, "Location loop: this file was already read through another Location; not read again."));
                continue;
            }
            var (real, refusal) = Contained(file, scope, $"The file {System.IO.Path.GetRelativePath(root, file)}");
            if (real is null)
            {
                result.Problems.Add(new ReadProblem(file, null, null, refusal!));
                continue;
            }
            var info = new FileInfo(real);
            if (info.Length > options.MaxFileBytes)
            {
                result.Problems.Add(new ReadProblem(file, null, null,
                    $"The file is {info.Length / 1024 / 1024.0:0.#} MB, more than the limit of {options.MaxFileBytes / 1024 / 1024.0:0.#} MB (Portal:Catalog:MaxFileBytes)."));
                continue;
            }
            string text;
            try
            {
                text = File.ReadAllText(real, Encoding.UTF8);
            }
            catch (IOException ex)
            {
                result.Problems.Add(new ReadProblem(file, null, null, $"Could not read the file: {ex.Message}"));
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                result.Problems.Add(new ReadProblem(file, null, null, "The portal may not read this file."));
                continue;
            }
            foreach (var document in DescriptorYaml.Parse(text))
            {
                if (document.Entity is null)
                {
                    result.Problems.Add(new ReadProblem(file, document.Line, null, document.Error ?? "Unreadable document."));
                    continue;
                }
                Substitute(document.Entity, System.IO.Path.GetDirectoryName(file)!, scope, file, document.Line, result);
                result.Entities.Add(new ReadEntity(document.Entity, file, document.Line));
                if (IsLocation(document.Entity))
                {
                    foreach (var next in LocationTargets(document.Entity))
                    {
                        if (Uri.TryCreate(next, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
                        {
                            result.Problems.Add(new ReadProblem(file, document.Line, null, $"Target {next} is a URL; register it as a url location to read it."));
                            continue;
                        }
                        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(file)!, next));
                        ReadFiles(path, scope, result, visited, depth + 1, top: false);
                    }
                }
            }
        }
    }

    private static List<string> Expand(string target)
    {
        if (target.IndexOfAny(['*', '?', '[', '{']) < 0)
        {
            return File.Exists(target) ? [target] : [];
        }
        var root = RootOf(target);
        if (!Directory.Exists(root))
        {
            return [];
        }
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(System.IO.Path.GetRelativePath(root, target));
        string realRoot;
        try
        {
            realRoot = RealPath.Resolve(root); // a root that is itself a link is walked from where it leads
        }
        catch (IOException)
        {
            return [];
        }
        return matcher.Execute(new LinkFreeDirectory(new DirectoryInfo(realRoot))).Files
            .Select(f => System.IO.Path.GetFullPath(System.IO.Path.Combine(root, f.Path))).Order(StringComparer.Ordinal).ToList();
    }

    private static bool IsLocation(JsonObject entity) =>
        string.Equals(entity["kind"]?.GetValueKind() == JsonValueKind.String ? entity["kind"]!.GetValue<string>() : null, "Location", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<string> LocationTargets(JsonObject entity)
    {
        if (entity["spec"] is not JsonObject spec)
        {
            yield break;
        }
        var type = spec["type"]?.GetValueKind() == JsonValueKind.String ? spec["type"]!.GetValue<string>() : "file";
        if (type is not ("file" or "url"))
        {
            yield break;
        }
        if (spec["target"] is JsonValue single && single.TryGetValue<string>(out var t))
        {
            yield return t;
        }
        if (spec["targets"] is JsonArray many)
        {
            foreach (var item in many)
            {
                if (item is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    yield return s;
                }
            }
        }
    }

    /// <summary>One <c>{"$text": "./file"}</c> (or $json, $yaml) found in an entity, and where its value goes.</summary>
    private sealed record Placeholder(JsonNode Parent, string? Key, int Index, string Kind, string Reference)
    {
        public void Replace(JsonNode? value)
        {
            if (Key is not null)
            {
                Parent.AsObject()[Key] = value;
            }
            else
            {
                Parent.AsArray()[Index] = value;
            }
        }
    }

    private static List<Placeholder> FindPlaceholders(JsonNode node, List<Placeholder>? found = null)
    {
        found ??= [];
        var children = node switch
        {
            JsonArray array => array.Select((child, i) => (Key: (string?)null, Index: i, Child: child)).ToList(),
            JsonObject obj => obj.Select(p => (Key: (string?)p.Key, Index: -1, Child: p.Value)).ToList(),
            _ => [],
        };
        foreach (var (key, index, child) in children)
        {
            if (child is JsonObject { Count: 1 } single && single.First() is var (kind, value) && SubstitutionKeys.Contains(kind)
                && value is JsonValue v && v.TryGetValue<string>(out var reference))
            {
                found.Add(new Placeholder(node, key, index, kind, reference));
            }
            else if (child is not null)
            {
                FindPlaceholders(child, found);
            }
        }
        return found;
    }

    /// <summary>Replaces each placeholder with the file's content, relative to the descriptor and never outside the location's folder.</summary>
    private void Substitute(JsonNode entity, string directory, ReadScope scope, string source, int line, LocationReadResult result)
    {
        var root = scope.Root;
        foreach (var placeholder in FindPlaceholders(entity))
        {
            var (key, reference) = (placeholder.Kind, placeholder.Reference);
            if (Uri.TryCreate(reference, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                result.Problems.Add(new ReadProblem(source, line, null,
                    $"{key} {reference} was not fetched: URLs are read only from url locations. The value was kept as written."));
                continue;
            }
            var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(directory, reference));
            if (!IsWithin(path, root))
            {
                result.Problems.Add(new ReadProblem(source, line, null, $"{key} {reference} points outside the location's folder; it was not read."));
                continue;
            }
            var (real, refusal) = Contained(path, scope, $"{key} {reference}");
            if (real is null)
            {
                result.Problems.Add(new ReadProblem(source, line, null, refusal!));
                continue;
            }
            if (!File.Exists(real))
            {
                result.Problems.Add(new ReadProblem(source, line, null, $"{key} {reference}: the file does not exist."));
                continue;
            }
            if (new FileInfo(real).Length > options.MaxFileBytes)
            {
                result.Problems.Add(new ReadProblem(source, line, null, $"{key} {reference} is larger than Portal:Catalog:MaxFileBytes; not read."));
                continue;
            }
            Fill(placeholder, File.ReadAllText(real, Encoding.UTF8), source, line, result);
        }
    }

    /// <summary>
    /// The same for a descriptor read from a URL: a relative reference is resolved against the descriptor's URL (as Backstage
    /// does) and an absolute https one is taken as it is; both are fetched through the guarded client, host allow-list and size limit included.
    /// </summary>
    private async Task SubstituteFromUrlAsync(JsonNode entity, Uri baseUri, int line, LocationReadResult result, CancellationToken cancellationToken)
    {
        foreach (var placeholder in FindPlaceholders(entity))
        {
            var (key, reference) = (placeholder.Kind, placeholder.Reference);
            if (!Uri.TryCreate(baseUri, reference, out var uri))
            {
                result.Problems.Add(new ReadProblem(baseUri.ToString(), line, null, $"{key} {reference} is not a relative path or an https URL."));
                continue;
            }
            try
            {
                Fill(placeholder, (await FetchTextAsync(uri, cancellationToken)).Text, baseUri.ToString(), line, result);
            }
            catch (LocationException ex)
            {
                result.Problems.Add(new ReadProblem(baseUri.ToString(), line, null, $"{key} {reference} was not read: {ex.Message}"));
            }
        }
    }

    private static void Fill(Placeholder placeholder, string text, string source, int line, LocationReadResult result)
    {
        try
        {
            placeholder.Replace(placeholder.Kind switch
            {
                "$text" => JsonValue.Create(text),
                "$json" => JsonNode.Parse(text),
                _ => YamlRoot(text),
            });
        }
        catch (Exception ex) when (ex is JsonException or FormatException or YamlDotNet.Core.YamlException)
        {
            result.Problems.Add(new ReadProblem(source, line, null, $"{placeholder.Kind} {placeholder.Reference} could not be parsed: {ex.Message}"));
        }
    }

    private static JsonNode? YamlRoot(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : DescriptorYaml.ToJson(stream.Documents[0].RootNode);
    }

    /// <summary>
    /// Reads one URL and follows the Location entities in it, as file locations do: targets resolve against the
    /// file's final URL, every fetch goes through the same guard, and a URL read twice is a loop. The top-level
    /// URL failing fails the location; a followed one failing is a problem on the Location that named it.
    /// </summary>
    private async Task ReadUrlAsync(Uri uri, LocationReadResult result, HashSet<string> visited, int depth, CancellationToken cancellationToken)
    {
        // Relative references resolve against where the file was found, after redirects (as a browser would).
        var (text, found) = await FetchTextAsync(uri, cancellationToken);
        visited.Add(uri.AbsoluteUri);
        visited.Add(found.AbsoluteUri);
        foreach (var document in DescriptorYaml.Parse(text))
        {
            if (document.Entity is null)
            {
                result.Problems.Add(new ReadProblem(uri.ToString(), document.Line, null, document.Error ?? "Unreadable document."));
                continue;
            }
            await SubstituteFromUrlAsync(document.Entity, found, document.Line, result, cancellationToken);
            result.Entities.Add(new ReadEntity(document.Entity, uri.ToString(), document.Line));
            if (!IsLocation(document.Entity))
            {
                continue;
            }
            foreach (var next in LocationTargets(document.Entity))
            {
                if (!Uri.TryCreate(found, next, out var target) || target.Scheme != Uri.UriSchemeHttps)
                {
                    result.Problems.Add(new ReadProblem(uri.ToString(), document.Line, null, $"Target {next} is not an https URL; a url location only follows https targets."));
                    continue;
                }
                if (depth >= 32)
                {
                    result.Problems.Add(new ReadProblem(uri.ToString(), document.Line, null, "Locations are nested more than 32 deep; stopped following them."));
                    continue;
                }
                if (visited.Contains(target.AbsoluteUri))
                {
                    result.Problems.Add(new ReadProblem(target.ToString(), null, null, "Location loop: this URL was already read through another Location; not read again."));
                    continue;
                }
                try
                {
                    await ReadUrlAsync(target, result, visited, depth + 1, cancellationToken);
                }
                catch (LocationException ex)
                {
                    result.Problems.Add(new ReadProblem(target.ToString(), null, null, ex.Message));
                }
            }
        }
    }

    private const int MaxRedirects = 5;

    /// <summary>
    /// GETs an https URL through the guarded client (<see cref="UrlGuard"/>), at most <see cref="CatalogOptions.MaxFileBytes"/>.
    /// Redirects are followed here, not by the handler, so each hop's scheme and host are checked like the first.
    /// </summary>
    /// <returns>The text and the URL it was finally read from.</returns>
    private async Task<(string Text, Uri Found)> FetchTextAsync(Uri uri, CancellationToken cancellationToken)
    {
        if (httpFactory is null)
        {
            throw new LocationException("Reading URLs is not available here.");
        }
        using var http = httpFactory.CreateClient("catalog");
        for (var hop = 0; ; hop++)
        {
            CheckUrl(uri);
            using var response = await SendAsync(http, uri, cancellationToken);
            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } next)
            {
                if (hop == MaxRedirects)
                {
                    throw new LocationException($"{uri} redirected more than {MaxRedirects} times.");
                }
                uri = new Uri(uri, next);
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new LocationException($"{uri} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
            }
            if (response.Content.Headers.ContentLength > options.MaxFileBytes)
            {
                throw new LocationException($"{uri} is larger than Portal:Catalog:MaxFileBytes.");
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var limited = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                limited.Write(buffer, 0, read);
                if (limited.Length > options.MaxFileBytes)
                {
                    throw new LocationException($"{uri} is larger than Portal:Catalog:MaxFileBytes.");
                }
            }
            return (Encoding.UTF8.GetString(limited.GetBuffer(), 0, (int)limited.Length), uri);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Uri uri, CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            // The guard's refusal travels inside the connect failure; it is the reason the person needs.
            var refused = ex.InnerException as UrlRefusedException ?? ex.InnerException?.InnerException as UrlRefusedException;
            throw new LocationException(refused?.Message ?? $"{uri} could not be reached: {ex.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LocationException($"{uri} did not answer in time.");
        }
    }

    /// <summary>
    /// What is checked before a request: https only, allow-listed hosts only. Where the host may point is checked
    /// when connecting (<see cref="UrlGuard"/>), so that DNS cannot answer differently between check and use.
    /// </summary>
    public void CheckUrl(Uri uri)
    {
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new LocationException($"Only https URLs are read, not {uri.Scheme}.");
        }
        if (!options.AllowedUrlHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase))
        {
            throw new LocationException($"The host {uri.Host} is not in Portal:Catalog:AllowedUrlHosts.");
        }
    }

    public static bool IsWithin(string path, string root)
    {
        var fullRoot = System.IO.Path.GetFullPath(root).TrimEnd('/') + "/";
        var full = System.IO.Path.GetFullPath(path);
        return full.StartsWith(fullRoot, StringComparison.Ordinal) || full == fullRoot.TrimEnd('/');
    }
}
