namespace Portal.Web.Features.Templates.Language;

/// <summary>Nunjucks' <c>loop</c> inside a for: index, index0, revindex, revindex0, first, last, length.</summary>
internal sealed class LoopState(int length)
{
    public int Index0 { get; set; }

    public object? Get(string key) => key switch
    {
        "index" => (double)(Index0 + 1),
        "index0" => (double)Index0,
        "revindex" => (double)(length - Index0),
        "revindex0" => (double)(length - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == length - 1,
        "length" => (double)length,
        _ => Undefined.Value,
    };
}
