namespace Portal.Web.Features.Templates;

/// <summary>A repository a task created, as the read-only view shows it: its tree at the branch's head.</summary>
public sealed record RepositoryView(string Name, string? Branch, string? Commit, string CloneUrl, IReadOnlyList<RepositoryEntry> Entries, bool Truncated,
    string? Readme);

/// <summary>
/// One file of that repository. <c>Kind</c>: <c>text</c> (with <c>Content</c>), <c>binary</c>, <c>tooLarge</c>,
/// <c>symlink</c> (with its <c>LinkTarget</c>, never followed) or <c>submodule</c>.
/// </summary>
public sealed record RepositoryFile(string Path, string Kind, long Size, string? Content, string? LinkTarget);
