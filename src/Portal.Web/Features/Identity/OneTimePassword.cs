namespace Portal.Web.Features.Identity;

/// <summary>A one-time password, shown once to the admin who reset it.</summary>
public sealed record OneTimePassword(string Password);
