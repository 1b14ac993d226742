namespace Portal.Web.Infrastructure.Notifications;

/// <summary>One thing worth telling people about: what happened, to what, and a link to it.</summary>
public sealed record Notification(string Event, string Title, string Message, string? Link, IReadOnlyDictionary<string, string> Fields);
