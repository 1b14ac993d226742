using Portal.Web.Features.Templates.Actions;

namespace Portal.Web.Features.Templates;

public sealed record ActionView(string Id, string Description, IReadOnlyList<ActionField> Inputs, IReadOnlyList<ActionField> Outputs);
