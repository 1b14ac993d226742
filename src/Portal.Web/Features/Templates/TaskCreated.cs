namespace Portal.Web.Features.Templates;

/// <summary>
/// The answer to a run request: the new task's id, or the values' errors, or a template that is not in the catalog, or
/// (<paramref name="OverLimit"/>) a person who already has as many unfinished runs as <see cref="ActiveTaskLimit"/> allows.
/// </summary>
public sealed record TaskCreated(Guid? Id, Dictionary<string, string[]> Errors, bool TemplateMissing, ActiveTasksRefusal? OverLimit = null);
