namespace Portal.Web.Features.Templates;

public sealed record TaskCreatedResponse(Guid Id);
