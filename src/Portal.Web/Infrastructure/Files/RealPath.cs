namespace Portal.Web.Infrastructure.Files;

/// <summary>
/// Where a path really leads once every symbolic link in it is followed (as the kernel does: a link's target is read,
/// then <c>..</c> applies to the folder the link led to). Containment checks compare real paths, so a link inside a
/// location or a template that points at <c>/etc/passwd</c> or <c>/</c> cannot carry a read outside it.
/// </summary>
public static class RealPath
{
    /// <summary>As Linux's own limit (MAXSYMLINKS): more hops than this is a loop.</summary>
    public const int MaxLinks = 40;

    /// <summary>The real absolute path. Parts that do not exist are kept as written.</summary>
    /// <exception cref="IOException">The links loop, or a link cannot be read.</exception>
    public static string Resolve(string path)
    {
        var pending = new Stack<string>(Enumerable.Reverse(Components(Path.GetFullPath(path))));
        var resolved = "/";
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".")
            {
                continue;
            }
            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? "/";
                continue;
            }
            var candidate = Path.Join(resolved, part);
            var target = new FileInfo(candidate).LinkTarget;
            if (target is null)
            {
                resolved = candidate;
                continue;
            }
            if (++hops > MaxLinks)
            {
                throw new IOException($"More than {MaxLinks} symbolic links in '{path}' (a loop).");
            }
            // The link's own parts come next, then the rest; an absolute target starts again at the root.
            foreach (var linked in Enumerable.Reverse(Components(target)))
            {
                pending.Push(linked);
            }
            if (target.StartsWith('/'))
            {
                resolved = "/";
            }
        }
        return resolved;
    }

    /// <summary>
    /// The real path of <paramref name="path"/> when it lies inside the real path of <paramref name="root"/> (a root
    /// that is itself a link is followed first); null when it leads outside or cannot be resolved.
    /// </summary>
    public static string? Within(string path, string root)
    {
        try
        {
            var realRoot = Resolve(root);
            var real = Resolve(path);
            return IsInside(real, realRoot) ? real : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="path"/> is <paramref name="root"/> or below it, comparing the strings only.</summary>
    public static bool IsInside(string path, string root)
    {
        var prefix = root.TrimEnd('/') + "/";
        return path.StartsWith(prefix, StringComparison.Ordinal) || path == root.TrimEnd('/') || (root == "/" && path.StartsWith('/'));
    }

    private static string[] Components(string path) => path.Split('/');
}
