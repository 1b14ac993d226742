namespace Portal.Web.Features.Inbox;

/// <summary>What a notification says (Backstage's payload: title, description, link, severity, scope).</summary>
public sealed record InboxPayload(string Title, string? Info, string? Link, string Severity, string? Scope);
