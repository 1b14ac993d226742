namespace Portal.Web.Components;

/// <summary>The browser's address as seen when the page was first requested (circuits have no HttpContext).</summary>
public sealed record ClientInfo(string? Ip);
