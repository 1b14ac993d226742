using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Portal.Web.Features.Templates.Language;

/// <summary>
/// Parses Backstage's template language, Nunjucks with <c>${{ }}</c> as the variable delimiters (or <c>{{ }}</c> in
/// cookiecutter-compatible mode): text, <c>${{ expr }}</c>, <c>{% tag %}</c>, <c>{# comment #}</c>, <c>{% raw %}</c>,
/// and the <c>-</c> markers that trim whitespace. Expressions follow Nunjucks' grammar and precedence. A few Liquid
/// spellings that Portal accepted before (<c>elsif</c>, <c>assign</c>, <c>unless</c>, <c>capture</c>, <c>| f: a</c>)
/// are read as their Nunjucks equivalents.
/// </summary>
internal sealed partial class NunjucksParser
{
    private const int MaxDepth = 100;

    private readonly string _text;
    private readonly string _variableStart;
    private int _position;

    // The tokens of the tag or expression being parsed.
    private List<Token> _tokens = [];
    private int _next;
    private int _depth;

    private NunjucksParser(string text, bool cookiecutter)
    {
        _text = text;
        _variableStart = cookiecutter ? "{{" : "${{";
    }

    public static IReadOnlyList<Stmt> Parse(string text, bool cookiecutter = false)
    {
        var parser = new NunjucksParser(text, cookiecutter);
        var chunks = parser.Chunks();
        var at = 0;
        var body = parser.Block(chunks, ref at, []);
        return body;
    }

    /// <summary>Parses one expression on its own (no delimiters), e.g. a step's <c>if</c> written without <c>${{ }}</c>.</summary>
    public static IReadOnlyList<Token> Tokenize(string text) => new NunjucksParser(text, false).TokenizeExpression(0, closeWith: null, out _, out _);

    // ---------------------------------------------------------------- chunks: text, outputs, tags

    private abstract record Chunk(SourceSpan Source);

    private sealed record TextChunk(SourceSpan Source, string Text) : Chunk(Source);

    private sealed record OutputChunk(SourceSpan Source, List<Token> Tokens) : Chunk(Source);

    private sealed record TagChunk(SourceSpan Source, string Name, List<Token> Tokens) : Chunk(Source);

    private List<Chunk> Chunks()
    {
        var chunks = new List<Chunk>();
        var text = new StringBuilder();
        var textStart = 0;
        var trimNext = false;
        void Flush(bool trimEnd)
        {
            var s = text.ToString();
            if (trimEnd)
            {
                s = s.TrimEnd();
            }
            if (s.Length > 0)
            {
                chunks.Add(new TextChunk(new SourceSpan(textStart, _position), s));
            }
            text.Clear();
        }
        while (_position < _text.Length)
        {
            var open = Opening(_position);
            if (open is null)
            {
                if (trimNext && char.IsWhiteSpace(_text[_position]))
                {
                    _position++;
                    continue;
                }
                trimNext = false;
                if (text.Length == 0)
                {
                    textStart = _position;
                }
                text.Append(_text[_position]);
                _position++;
                continue;
            }
            trimNext = false;
            var start = _position;
            var bodyStart = start + open.Length;
            var trimBefore = bodyStart < _text.Length && _text[bodyStart] == '-';
            if (trimBefore)
            {
                bodyStart++;
            }
            Flush(trimBefore);
            if (open == "{#")
            {
                var end = _text.IndexOf("#}", bodyStart, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw new TemplateSyntaxError("a comment opened with {# is not closed with #}", start, new SourceSpan(start, Math.Min(_text.Length, start + 40)));
                }
                trimNext = _text[end - 1] == '-';
                _position = end + 2;
                continue;
            }
            var closeWith = open == "{%" ? "%}" : "}}";
            var tokens = TokenizeExpression(bodyStart, closeWith, out var closeAt, out var trimAfter);
            _position = closeAt + 2;
            var span = new SourceSpan(start, _position);
            if (open == "{%")
            {
                if (tokens.Count == 0 || tokens[0].Kind != TokenKind.Name)
                {
                    throw new TemplateSyntaxError("a tag must start with its name, e.g. {% if %}", start, span);
                }
                var name = tokens[0].Text;
                if (name is "raw" or "verbatim")
                {
                    var endRaw = EndRaw(name).Match(_text, _position);
                    if (!endRaw.Success)
                    {
                        throw new TemplateSyntaxError($"{{% {name} %}} has no {{% end{name} %}}", start, span);
                    }
                    var raw = _text[_position..endRaw.Index];
                    if (trimAfter)
                    {
                        raw = raw.TrimStart();
                    }
                    if (endRaw.Groups[1].Length > 0)
                    {
                        raw = raw.TrimEnd();
                    }
                    if (raw.Length > 0)
                    {
                        chunks.Add(new TextChunk(new SourceSpan(_position, endRaw.Index), raw));
                    }
                    _position = endRaw.Index + endRaw.Length;
                    trimNext = endRaw.Groups[2].Length > 0;
                    continue;
                }
                chunks.Add(new TagChunk(span, name, tokens));
            }
            else
            {
                chunks.Add(new OutputChunk(span, tokens));
            }
            trimNext = trimAfter;
        }
        Flush(false);
        return chunks;
    }

    private string? Opening(int i)
    {
        if (string.CompareOrdinal(_text, i, _variableStart, 0, _variableStart.Length) == 0)
        {
            return _variableStart;
        }
        if (i + 1 < _text.Length && _text[i] == '{' && _text[i + 1] is '%' or '#')
        {
            return _text[i + 1] == '%' ? "{%" : "{#";
        }
        return null;
    }

    private static Regex EndRaw(string name) => name == "raw" ? EndRawTag() : EndVerbatimTag();

    [GeneratedRegex(@"\{%(-?)\s*endraw\s*(-?)%\}")]
    private static partial Regex EndRawTag();

    [GeneratedRegex(@"\{%(-?)\s*endverbatim\s*(-?)%\}")]
    private static partial Regex EndVerbatimTag();

    // ---------------------------------------------------------------- tokens

    private static readonly string[] Operators =
        ["===", "!==", "**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "=", "?", "!"];

    /// <summary>
    /// Reads the tokens of an expression from <paramref name="from"/> up to <paramref name="closeWith"/> (<c>}}</c> or
    /// <c>%}</c>, optionally after a <c>-</c>), or to the end of the text when it is null.
    /// </summary>
    private List<Token> TokenizeExpression(int from, string? closeWith, out int closeAt, out bool trimAfter)
    {
        var tokens = new List<Token>();
        var braces = 0;
        var i = from;
        trimAfter = false;
        while (true)
        {
            while (i < _text.Length && char.IsWhiteSpace(_text[i]))
            {
                i++;
            }
            if (i >= _text.Length)
            {
                if (closeWith is null)
                {
                    closeAt = i;
                    return tokens;
                }
                var opener = FindOpening(from);
                var what = closeWith == "%}" ? "a tag opened with {%" : $"an expression opened with {_variableStart}";
                throw new TemplateSyntaxError($"{what} is not closed with {closeWith}", opener, new SourceSpan(opener, Math.Min(_text.Length, opener + 60)));
            }
            if (closeWith is not null && braces == 0)
            {
                if (string.CompareOrdinal(_text, i, closeWith, 0, 2) == 0)
                {
                    closeAt = i;
                    return tokens;
                }
                if (_text[i] == '-' && string.CompareOrdinal(_text, i + 1, closeWith, 0, 2) == 0)
                {
                    trimAfter = true;
                    closeAt = i + 1;
                    return tokens;
                }
            }
            var c = _text[i];
            if (c is '\'' or '"')
            {
                var value = new StringBuilder();
                var j = i + 1;
                while (true)
                {
                    if (j >= _text.Length)
                    {
                        throw new TemplateSyntaxError("a text in quotes is not closed", i, new SourceSpan(i, Math.Min(_text.Length, i + 60)));
                    }
                    var d = _text[j];
                    if (d == c)
                    {
                        break;
                    }
                    if (d == '\\' && j + 1 < _text.Length)
                    {
                        j++;
                        value.Append(_text[j] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', var other => other });
                    }
                    else
                    {
                        value.Append(d);
                    }
                    j++;
                }
                tokens.Add(new Token(TokenKind.String, _text[i..(j + 1)], i, value.ToString()));
                i = j + 1;
                continue;
            }
            if (char.IsAsciiDigit(c))
            {
                var j = i;
                while (j < _text.Length && char.IsAsciiDigit(_text[j]))
                {
                    j++;
                }
                if (j + 1 < _text.Length && _text[j] == '.' && char.IsAsciiDigit(_text[j + 1]))
                {
                    j++;
                    while (j < _text.Length && char.IsAsciiDigit(_text[j]))
                    {
                        j++;
                    }
                }
                var number = _text[i..j];
                tokens.Add(new Token(TokenKind.Number, number, i, double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture)));
                i = j;
                continue;
            }
            if (char.IsLetter(c) || c is '_' or '$')
            {
                var j = i + 1;
                while (j < _text.Length && (char.IsLetterOrDigit(_text[j]) || _text[j] is '_' or '$'))
                {
                    j++;
                }
                tokens.Add(new Token(TokenKind.Name, _text[i..j], i));
                i = j;
                continue;
            }
            var op = Array.Find(Operators, o => string.CompareOrdinal(_text, i, o, 0, o.Length) == 0)
                ?? throw new TemplateSyntaxError($"unexpected character '{c}'", i);
            braces += op == "{" ? 1 : op == "}" ? -1 : 0;
            tokens.Add(new Token(TokenKind.Operator, op, i));
            i += op.Length;
        }
    }

    private int FindOpening(int bodyStart)
    {
        var start = Math.Max(0, bodyStart - _variableStart.Length - 1);
        var at = _text.LastIndexOf(_variableStart, Math.Min(_text.Length - 1, bodyStart), StringComparison.Ordinal);
        var tag = _text.LastIndexOf("{%", Math.Min(_text.Length - 1, bodyStart), StringComparison.Ordinal);
        var best = Math.Max(at, tag);
        return best >= 0 ? best : start;
    }

    // ---------------------------------------------------------------- statements

    /// <summary>Statements until one of the <paramref name="ends"/> tags (which is left for the caller) or the end.</summary>
    private List<Stmt> Block(List<Chunk> chunks, ref int at, string[] ends)
    {
        var body = new List<Stmt>();
        while (at < chunks.Count)
        {
            var chunk = chunks[at];
            switch (chunk)
            {
                case TextChunk t:
                    body.Add(new TextStmt(t.Source, t.Text));
                    at++;
                    break;
                case OutputChunk o:
                    body.Add(new OutputStmt(o.Source, WholeExpression(o.Tokens, 0, o.Source, "${{ }} is empty")));
                    at++;
                    break;
                case TagChunk tag when ends.Contains(tag.Name):
                    return body;
                case TagChunk tag:
                    at++;
                    body.Add(Statement(tag, chunks, ref at));
                    break;
            }
        }
        if (ends.Length > 0)
        {
            var opener = _openers.Count > 0 ? _openers.Peek() : new SourceSpan(0, 0);
            throw new TemplateSyntaxError($"the text ends before {{% {ends[^1]} %}}", opener.Start, opener);
        }
        return body;
    }

    // The tags whose bodies are being parsed: an unclosed one is reported where it opens.
    private readonly Stack<SourceSpan> _openers = new();

    private Stmt Statement(TagChunk tag, List<Chunk> chunks, ref int at)
    {
        _openers.Push(tag.Source);
        try
        {
            return OpenedStatement(tag, chunks, ref at);
        }
        finally
        {
            _openers.Pop();
        }
    }

    private Stmt OpenedStatement(TagChunk tag, List<Chunk> chunks, ref int at)
    {
        switch (tag.Name)
        {
            case "if" or "unless":
            {
                var branches = new List<KeyValuePair<Expr, IReadOnlyList<Stmt>>>();
                var condition = WholeExpression(tag.Tokens, 1, tag.Source, $"{{% {tag.Name} %}} needs a condition");
                if (tag.Name == "unless")
                {
                    condition = new UnaryExpr(condition.At, "not", condition);
                }
                var end = tag.Name == "if" ? "endif" : "endunless";
                IReadOnlyList<Stmt>? otherwise = null;
                while (true)
                {
                    var body = Block(chunks, ref at, ["elif", "elseif", "elsif", "else", end]);
                    branches.Add(KeyValuePair.Create<Expr, IReadOnlyList<Stmt>>(condition, body));
                    var next = (TagChunk)chunks[at];
                    at++;
                    if (next.Name == end)
                    {
                        break;
                    }
                    if (next.Name == "else")
                    {
                        ExpectNothingAfter(next, 1);
                        otherwise = Block(chunks, ref at, [end]);
                        ExpectNothingAfter((TagChunk)chunks[at], 1);
                        at++;
                        break;
                    }
                    condition = WholeExpression(next.Tokens, 1, next.Source, $"{{% {next.Name} %}} needs a condition");
                }
                return new IfStmt(tag.Source, branches, otherwise);
            }
            case "for":
            {
                var targets = new List<string>();
                var i = 1;
                while (true)
                {
                    var name = tag.Tokens.ElementAtOrDefault(i);
                    if (name.Kind != TokenKind.Name)
                    {
                        throw new TemplateSyntaxError("{% for %} needs a name to loop with, e.g. {% for item in values.items %}", tag.Source.Start, tag.Source);
                    }
                    targets.Add(name.Text);
                    i++;
                    if (tag.Tokens.ElementAtOrDefault(i).Is(","))
                    {
                        i++;
                        continue;
                    }
                    break;
                }
                if (!tag.Tokens.ElementAtOrDefault(i).IsName("in"))
                {
                    throw new TemplateSyntaxError("{% for %} needs 'in', e.g. {% for item in values.items %}", tag.Source.Start, tag.Source);
                }
                var items = WholeExpression(tag.Tokens, i + 1, tag.Source, "{% for %} needs something to loop over after 'in'");
                var body = Block(chunks, ref at, ["else", "endfor"]);
                IReadOnlyList<Stmt>? otherwise = null;
                if (((TagChunk)chunks[at]).Name == "else")
                {
                    at++;
                    otherwise = Block(chunks, ref at, ["endfor"]);
                }
                at++;
                return new ForStmt(tag.Source, targets, items, body, otherwise);
            }
            case "set" or "assign" or "capture":
            {
                var targets = new List<string>();
                var i = 1;
                while (tag.Tokens.ElementAtOrDefault(i).Kind == TokenKind.Name)
                {
                    targets.Add(tag.Tokens[i].Text);
                    i++;
                    if (!tag.Tokens.ElementAtOrDefault(i).Is(","))
                    {
                        break;
                    }
                    i++;
                }
                if (targets.Count == 0)
                {
                    throw new TemplateSyntaxError($"{{% {tag.Name} %}} needs a name, e.g. {{% set name = values.name | lower %}}", tag.Source.Start, tag.Source);
                }
                if (i >= tag.Tokens.Count && tag.Name != "assign")
                {
                    // The block form: {% set x %}...{% endset %} captures what the block renders.
                    var end = tag.Name == "set" ? "endset" : "endcapture";
                    var body = Block(chunks, ref at, [end]);
                    at++;
                    return new SetStmt(tag.Source, targets, null, body);
                }
                if (!tag.Tokens[i].Is("="))
                {
                    throw new TemplateSyntaxError($"{{% {tag.Name} %}} expected '=' but found {tag.Tokens[i]}", tag.Tokens[i].At, tag.Source);
                }
                return new SetStmt(tag.Source, targets, WholeExpression(tag.Tokens, i + 1, tag.Source, $"{{% {tag.Name} %}} needs a value after '='"), null);
            }
            case "include" or "import" or "from" or "extends":
                throw new TemplateSyntaxError($"{{% {tag.Name} %}} is not available: templates cannot read other files", tag.Source.Start, tag.Source);
            case "elif" or "elseif" or "elsif" or "else" or "endif" or "endfor" or "endset" or "endunless" or "endcapture" or "endraw":
                throw new TemplateSyntaxError($"{{% {tag.Name} %}} has no opening tag", tag.Source.Start, tag.Source);
            default:
                throw new TemplateSyntaxError($"the tag {{% {tag.Name} %}} is not supported (supported: if, for, set, raw)", tag.Source.Start, tag.Source);
        }
    }

    private static void ExpectNothingAfter(TagChunk tag, int from)
    {
        if (tag.Tokens.Count > from)
        {
            throw new TemplateSyntaxError($"unexpected {tag.Tokens[from]} after {{% {tag.Name}", tag.Tokens[from].At, tag.Source);
        }
    }

    // ---------------------------------------------------------------- expressions

    private Expr WholeExpression(List<Token> tokens, int from, SourceSpan source, string whenEmpty)
    {
        _tokens = tokens;
        _next = from;
        _depth = 0;
        if (_next >= tokens.Count)
        {
            throw new TemplateSyntaxError(whenEmpty, source.Start, source);
        }
        try
        {
            var expr = Expression();
            if (_next < _tokens.Count)
            {
                throw new TemplateSyntaxError($"unexpected {Peek} after the expression", Peek.At);
            }
            return expr;
        }
        catch (TemplateSyntaxError e) when (e.Quote is null)
        {
            throw new TemplateSyntaxError(e.Message, e.At, source);
        }
    }

    /// <summary>Parses a whole token list as one expression (used for a bare step condition).</summary>
    public static Expr ParseExpression(string text)
    {
        var parser = new NunjucksParser(text, false);
        var tokens = parser.TokenizeExpression(0, null, out _, out _);
        return parser.WholeExpression(tokens, 0, new SourceSpan(0, text.Length), "the expression is empty");
    }

    private Token Peek => _next < _tokens.Count ? _tokens[_next] : new Token(TokenKind.End, "", _tokens.Count > 0 ? _tokens[^1].At + _tokens[^1].Text.Length : 0);

    private Token Take()
    {
        var token = Peek;
        _next++;
        return token;
    }

    private bool Accept(string op)
    {
        if (Peek.Is(op))
        {
            _next++;
            return true;
        }
        return false;
    }

    private bool AcceptName(string name)
    {
        if (Peek.IsName(name))
        {
            _next++;
            return true;
        }
        return false;
    }

    private void Expect(string op, string context)
    {
        if (!Accept(op))
        {
            throw new TemplateSyntaxError($"expected '{op}' {context} but found {Peek}", Peek.At);
        }
    }

    private Expr Expression()
    {
        if (++_depth > MaxDepth)
        {
            throw new TemplateSyntaxError($"the expression is nested more than {MaxDepth} levels deep", Peek.At);
        }
        try
        {
            return InlineIf();
        }
        finally
        {
            _depth--;
        }
    }

    private Expr InlineIf()
    {
        var then = Or();
        if (Peek.IsName("if"))
        {
            var at = Take().At;
            var test = Or();
            Expr? otherwise = null;
            if (AcceptName("else"))
            {
                otherwise = InlineIf();
            }
            return new ConditionalExpr(at, test, then, otherwise);
        }
        return then;
    }

    private Expr Or()
    {
        var left = And();
        while (Peek.IsName("or"))
        {
            var at = Take().At;
            left = new BinaryExpr(at, "or", left, And());
        }
        return left;
    }

    private Expr And()
    {
        var left = Not();
        while (Peek.IsName("and"))
        {
            var at = Take().At;
            left = new BinaryExpr(at, "and", left, Not());
        }
        return left;
    }

    private Expr Not()
    {
        if (Peek.IsName("not") || Peek.Is("!"))
        {
            var at = Take().At;
            if (++_depth > MaxDepth)
            {
                throw new TemplateSyntaxError($"the expression is nested more than {MaxDepth} levels deep", at);
            }
            try
            {
                return new UnaryExpr(at, "not", Not());
            }
            finally
            {
                _depth--;
            }
        }
        return In();
    }

    private Expr In()
    {
        var left = Is();
        while (true)
        {
            if (Peek.IsName("in"))
            {
                var at = Take().At;
                left = new BinaryExpr(at, "in", left, Is());
            }
            else if (Peek.IsName("not") && _tokens.ElementAtOrDefault(_next + 1).IsName("in"))
            {
                var at = Take().At;
                _next++;
                left = new UnaryExpr(at, "not", new BinaryExpr(at, "in", left, Is()));
            }
            else
            {
                return left;
            }
        }
    }

    private Expr Is()
    {
        var left = Compare();
        while (Peek.IsName("is"))
        {
            var at = Take().At;
            var negated = AcceptName("not");
            var test = Take();
            if (test.Kind != TokenKind.Name)
            {
                throw new TemplateSyntaxError($"expected a test name after 'is' (e.g. defined) but found {test}", test.At);
            }
            var args = new List<Expr>();
            if (Accept("("))
            {
                args.AddRange(Arguments(")", named: null));
            }
            else if (Peek.Kind is TokenKind.Number or TokenKind.String)
            {
                args.Add(Primary());
            }
            left = new TestExpr(at, left, test.Text, args, negated);
        }
        return left;
    }

    private static readonly string[] Comparisons = ["===", "!==", "==", "!=", "<=", ">=", "<", ">"];

    private Expr Compare()
    {
        var left = Concat();
        while (Peek.Kind == TokenKind.Operator && Comparisons.Contains(Peek.Text))
        {
            var op = Take();
            left = new BinaryExpr(op.At, op.Text, left, Concat());
        }
        return left;
    }

    private Expr Concat()
    {
        var left = Additive();
        while (Peek.Is("~"))
        {
            var at = Take().At;
            left = new BinaryExpr(at, "~", left, Additive());
        }
        return left;
    }

    private Expr Additive()
    {
        var left = Multiplicative();
        while (Peek.Is("+") || Peek.Is("-"))
        {
            var op = Take();
            left = new BinaryExpr(op.At, op.Text, left, Multiplicative());
        }
        return left;
    }

    private Expr Multiplicative()
    {
        var left = Power();
        while (Peek.Is("*") || Peek.Is("/") || Peek.Is("//") || Peek.Is("%"))
        {
            var op = Take();
            left = new BinaryExpr(op.At, op.Text, left, Power());
        }
        return left;
    }

    private Expr Power()
    {
        var left = Unary();
        while (Peek.Is("**"))
        {
            var op = Take();
            left = new BinaryExpr(op.At, "**", left, Unary());
        }
        return left;
    }

    private Expr Unary()
    {
        if (Peek.Is("-") || Peek.Is("+"))
        {
            var op = Take();
            if (++_depth > MaxDepth)
            {
                throw new TemplateSyntaxError($"the expression is nested more than {MaxDepth} levels deep", op.At);
            }
            try
            {
                // As in Nunjucks, filters bind to the whole negation: -x | abs is abs(-x).
                return Filters(new UnaryExpr(op.At, op.Text, UnaryNoFilters()));
            }
            finally
            {
                _depth--;
            }
        }
        return Filters(Postfix(Primary()));
    }

    private Expr UnaryNoFilters()
    {
        if (Peek.Is("-") || Peek.Is("+"))
        {
            var op = Take();
            return new UnaryExpr(op.At, op.Text, UnaryNoFilters());
        }
        return Postfix(Primary());
    }

    private Expr Filters(Expr input)
    {
        while (Peek.Is("|"))
        {
            Take();
            var name = Take();
            if (name.Kind != TokenKind.Name)
            {
                throw new TemplateSyntaxError($"expected a filter name after '|' but found {name}", name.At);
            }
            var args = new List<Expr>();
            var named = new List<KeyValuePair<string, Expr>>();
            if (Accept("("))
            {
                args.AddRange(Arguments(")", named));
            }
            else if (Accept(":"))
            {
                // Liquid's spelling, | replace: 'a', 'b', accepted for templates written for earlier versions of Portal.
                do
                {
                    args.Add(Concat());
                }
                while (Accept(","));
            }
            input = Postfix(new FilterExpr(name.At, input, name.Text, args, named));
        }
        return input;
    }

    private List<Expr> Arguments(string close, List<KeyValuePair<string, Expr>>? named)
    {
        var args = new List<Expr>();
        while (!Accept(close))
        {
            if (args.Count > 0 || named?.Count > 0)
            {
                Expect(",", "between arguments");
                if (Accept(close))
                {
                    break;
                }
            }
            if (named is not null && Peek.Kind == TokenKind.Name && _tokens.ElementAtOrDefault(_next + 1).Is("="))
            {
                var key = Take().Text;
                Take();
                named.Add(KeyValuePair.Create(key, Expression()));
                continue;
            }
            if (Peek.Kind == TokenKind.End)
            {
                throw new TemplateSyntaxError($"expected '{close}' but found {Peek}", Peek.At);
            }
            args.Add(Expression());
        }
        return args;
    }

    private Expr Postfix(Expr target)
    {
        while (true)
        {
            if (Peek.Is("."))
            {
                var dot = Take();
                var key = Take();
                if (key.Kind is not (TokenKind.Name or TokenKind.Number))
                {
                    throw new TemplateSyntaxError($"expected a name after '.' but found {key}", key.At);
                }
                target = new MemberExpr(dot.At, target, key.Text);
            }
            else if (Peek.Is("["))
            {
                var at = Take().At;
                var key = Expression();
                Expect("]", "to close '['");
                target = new IndexExpr(at, target, key);
            }
            else if (Peek.Is("("))
            {
                var at = Take().At;
                var named = new List<KeyValuePair<string, Expr>>();
                var args = Arguments(")", named);
                target = new CallExpr(at, target, args, named);
            }
            else
            {
                return target;
            }
        }
    }

    private Expr Primary()
    {
        var token = Take();
        switch (token.Kind)
        {
            case TokenKind.Number:
                return new LiteralExpr(token.At, token.Value);
            case TokenKind.String:
                return new LiteralExpr(token.At, token.Value);
            case TokenKind.Name:
                return token.Text switch
                {
                    "true" or "True" => new LiteralExpr(token.At, true),
                    "false" or "False" => new LiteralExpr(token.At, false),
                    "none" or "None" or "null" => new LiteralExpr(token.At, null),
                    "undefined" => new LiteralExpr(token.At, Undefined.Value),
                    "if" or "else" or "and" or "or" or "in" or "is" => throw new TemplateSyntaxError($"expected a value but found '{token.Text}'", token.At),
                    _ => new NameExpr(token.At, token.Text),
                };
            case TokenKind.Operator when token.Text == "(":
            {
                if (++_depth > MaxDepth)
                {
                    throw new TemplateSyntaxError($"the expression is nested more than {MaxDepth} levels deep", token.At);
                }
                try
                {
                    var inner = Expression();
                    if (Peek.Is(","))
                    {
                        // A tuple, (a, b): Nunjucks makes it an array.
                        var items = new List<Expr> { inner };
                        while (Accept(","))
                        {
                            if (Peek.Is(")"))
                            {
                                break;
                            }
                            items.Add(Expression());
                        }
                        inner = new ListExpr(token.At, items);
                    }
                    Expect(")", "to close '('");
                    return inner;
                }
                finally
                {
                    _depth--;
                }
            }
            case TokenKind.Operator when token.Text == "[":
                return new ListExpr(token.At, Arguments("]", named: null));
            case TokenKind.Operator when token.Text == "{":
            {
                var entries = new List<KeyValuePair<Expr, Expr>>();
                while (!Accept("}"))
                {
                    if (entries.Count > 0)
                    {
                        Expect(",", "between the entries of { }");
                        if (Accept("}"))
                        {
                            break;
                        }
                    }
                    var key = Peek.Kind == TokenKind.Name ? new LiteralExpr(Peek.At, Take().Text) : Primary();
                    Expect(":", "after a key of { }");
                    entries.Add(KeyValuePair.Create<Expr, Expr>(key, Expression()));
                }
                return new DictExpr(token.At, entries);
            }
            default:
                throw new TemplateSyntaxError($"expected a value but found {token}", token.At);
        }
    }
}
