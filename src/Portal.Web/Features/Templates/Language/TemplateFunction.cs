namespace Portal.Web.Features.Templates.Language;

/// <summary>A function a template may call: <c>range()</c>, and the few string and list methods Nunjucks templates use.</summary>
internal sealed class TemplateFunction(string name, Func<IReadOnlyList<object?>, object?> call)
{
    public string Name { get; } = name;

    public object? Call(IReadOnlyList<object?> args) => call(args);
}
