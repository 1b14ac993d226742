namespace Portal.Web.Features.Templates.Language;

/// <summary>A name or member that does not exist (JavaScript's <c>undefined</c>): renders as nothing, is false.</summary>
public sealed class Undefined
{
    public static readonly Undefined Value = new();

    private Undefined()
    {
    }

    public override string ToString() => "";
}
