namespace Portal.Web.Features.Templates.Actions;

/// <summary>One input or output of an action, as the actions page lists it.</summary>
public sealed record ActionField(string Name, string Type, bool Required, string Description);
