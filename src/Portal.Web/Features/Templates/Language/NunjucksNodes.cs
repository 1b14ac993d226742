namespace Portal.Web.Features.Templates.Language;

// The syntax tree of a template. Each node keeps the offset of its first character in the user's text, so an error
// can name the line and column and quote what the author wrote.

internal abstract record Expr(int At);

internal sealed record LiteralExpr(int At, object? Value) : Expr(At);

internal sealed record NameExpr(int At, string Name) : Expr(At);

internal sealed record MemberExpr(int At, Expr Target, string Key) : Expr(At);

internal sealed record IndexExpr(int At, Expr Target, Expr Key) : Expr(At);

internal sealed record CallExpr(int At, Expr Callee, IReadOnlyList<Expr> Args, IReadOnlyList<KeyValuePair<string, Expr>> Named) : Expr(At);

internal sealed record FilterExpr(int At, Expr Input, string Name, IReadOnlyList<Expr> Args, IReadOnlyList<KeyValuePair<string, Expr>> Named) : Expr(At);

internal sealed record UnaryExpr(int At, string Op, Expr Operand) : Expr(At);

internal sealed record BinaryExpr(int At, string Op, Expr Left, Expr Right) : Expr(At);

internal sealed record ConditionalExpr(int At, Expr Test, Expr Then, Expr? Else) : Expr(At);

internal sealed record ListExpr(int At, IReadOnlyList<Expr> Items) : Expr(At);

internal sealed record DictExpr(int At, IReadOnlyList<KeyValuePair<Expr, Expr>> Entries) : Expr(At);

internal sealed record TestExpr(int At, Expr Target, string Test, IReadOnlyList<Expr> Args, bool Negated) : Expr(At);

/// <summary>Where a statement was written: its tag or expression, quoted in errors.</summary>
internal readonly record struct SourceSpan(int Start, int End);

internal abstract record Stmt(SourceSpan Source);

internal sealed record TextStmt(SourceSpan Source, string Text) : Stmt(Source);

internal sealed record OutputStmt(SourceSpan Source, Expr Expr) : Stmt(Source);

internal sealed record IfStmt(SourceSpan Source, IReadOnlyList<KeyValuePair<Expr, IReadOnlyList<Stmt>>> Branches, IReadOnlyList<Stmt>? Else) : Stmt(Source);

internal sealed record ForStmt(SourceSpan Source, IReadOnlyList<string> Targets, Expr Items, IReadOnlyList<Stmt> Body, IReadOnlyList<Stmt>? Else) : Stmt(Source);

internal sealed record SetStmt(SourceSpan Source, IReadOnlyList<string> Targets, Expr? Value, IReadOnlyList<Stmt>? Body) : Stmt(Source);
