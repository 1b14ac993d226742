namespace Portal.Web.Features.Environments;

/// <summary>A broken rule, named by the request field it concerns so a form can show it beside that field.</summary>
public sealed record PolicyViolation(string Field, string Message);
