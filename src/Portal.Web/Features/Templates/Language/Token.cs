namespace Portal.Web.Features.Templates.Language;

internal enum TokenKind
{
    Name,
    Number,
    String,
    Operator,
    End,
}

/// <summary>One token of an expression; <see cref="At"/> is its offset in the template's text.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int At, object? Value = null)
{
    public bool Is(string op) => Kind == TokenKind.Operator && Text == op;

    public bool IsName(string name) => Kind == TokenKind.Name && Text == name;

    public override string ToString() => Kind == TokenKind.End ? "the end of the expression" : $"'{Text}'";
}
