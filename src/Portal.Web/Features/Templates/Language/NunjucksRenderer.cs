using System.Globalization;

namespace Portal.Web.Features.Templates.Language;

/// <summary>
/// Evaluates a parsed template with Nunjucks' semantics, bounded by a <see cref="TemplateRenderBudget"/>: every
/// statement and loop iteration counts as a step, every loop iteration and filter call checks the time and memory
/// spent, ranges are sized before they are built, and outputs, captures and the texts filters and operators build are
/// checked against the output limit. Templates see only the data handed in: no files, no .NET members.
/// </summary>
internal sealed class NunjucksRenderer(TemplateRenderBudget budget, bool inert)
{
    private long _steps;

    public TemplateRenderBudget Budget => budget;

    /// <summary>Variables: the model at the root, a new frame per loop; <c>set</c> updates the frame that already has the name.</summary>
    internal sealed class Frame(Frame? parent)
    {
        private readonly Dictionary<string, object?> _vars = new(StringComparer.Ordinal);

        public Frame? Parent => parent;

        public bool TryGet(string name, out object? value)
        {
            for (var frame = this; frame is not null; frame = frame.Parent)
            {
                if (frame._vars.TryGetValue(name, out value))
                {
                    return true;
                }
            }
            value = null;
            return false;
        }

        public void SetLocal(string name, object? value) => _vars[name] = value;

        public void Set(string name, object? value)
        {
            for (var frame = this; frame is not null; frame = frame.Parent)
            {
                if (frame._vars.ContainsKey(name))
                {
                    frame._vars[name] = value;
                    return;
                }
            }
            _vars[name] = value;
        }
    }

    private void Step()
    {
        if (++_steps > budget.Limits.MaxSteps)
        {
            throw new TemplateLimitException(budget.StepsExceeded());
        }
    }

    public void Render(IReadOnlyList<Stmt> body, TextWriter writer, Frame frame)
    {
        foreach (var statement in body)
        {
            Step();
            try
            {
                Execute(statement, writer, frame);
            }
            catch (TemplateSyntaxError e) when (e.Quote is null)
            {
                throw new TemplateSyntaxError(e.Message, e.At, statement.Source);
            }
        }
    }

    private void Execute(Stmt statement, TextWriter writer, Frame frame)
    {
        switch (statement)
        {
            case TextStmt text:
                writer.Write(text.Text);
                break;
            case OutputStmt output:
            {
                var value = Eval(output.Expr, frame);
                var text = JsValues.Output(value);
                writer.Write(inert ? Inert(text) : text);
                break;
            }
            case IfStmt conditional:
            {
                foreach (var (condition, branch) in conditional.Branches)
                {
                    if (JsValues.Truthy(Guarded(condition, frame, conditional.Source)))
                    {
                        Render(branch, writer, frame);
                        return;
                    }
                }
                if (conditional.Else is { } otherwise)
                {
                    Render(otherwise, writer, frame);
                }
                break;
            }
            case ForStmt loop:
                RunLoop(loop, writer, frame);
                break;
            case SetStmt set when set.Body is { } body:
            {
                using var captured = new BoundedWriter(budget, $"the capture '{set.Targets[0]}'");
                Render(body, captured, frame);
                foreach (var target in set.Targets)
                {
                    frame.Set(target, captured.ToString());
                }
                break;
            }
            case SetStmt set:
            {
                var value = Guarded(set.Value!, frame, set.Source);
                foreach (var target in set.Targets)
                {
                    frame.Set(target, value);
                }
                break;
            }
        }
    }

    private object? Guarded(Expr expr, Frame frame, SourceSpan source)
    {
        try
        {
            return Eval(expr, frame);
        }
        catch (TemplateSyntaxError e) when (e.Quote is null)
        {
            throw new TemplateSyntaxError(e.Message, e.At, source);
        }
    }

    private void RunLoop(ForStmt loop, TextWriter writer, Frame frame)
    {
        var source = Guarded(loop.Items, frame, loop.Source);
        List<object?> items = source switch
        {
            IList<object?> list => [.. list],
            IDictionary<string, object?> dict when loop.Targets.Count >= 2 => dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList(),
            IDictionary<string, object?> dict => dict.Keys.Select(k => (object?)k).ToList(),
            StrictObject strict when loop.Targets.Count >= 2 => strict.Members.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList(),
            StrictObject strict => strict.Members.Keys.Select(k => (object?)k).ToList(),
            string s => s.Select(c => (object?)c.ToString()).ToList(),
            _ => [],
        };
        if (items.Count == 0)
        {
            if (loop.Else is { } otherwise)
            {
                Render(otherwise, writer, frame);
            }
            return;
        }
        // One frame and one loop object for the whole loop, as Nunjucks does: an iteration allocates nothing itself.
        var inner = new Frame(frame);
        var state = new LoopState(items.Count);
        inner.SetLocal("loop", state);
        // Liquid's name for it, for templates written for earlier versions of Portal.
        inner.SetLocal("forloop", state);
        for (var i = 0; i < items.Count; i++)
        {
            Step();
            budget.Check();
            state.Index0 = i;
            if (loop.Targets.Count == 1)
            {
                inner.SetLocal(loop.Targets[0], items[i]);
            }
            else
            {
                var parts = items[i] as IList<object?>;
                for (var t = 0; t < loop.Targets.Count; t++)
                {
                    inner.SetLocal(loop.Targets[t], parts is not null && t < parts.Count ? parts[t] : Undefined.Value);
                }
            }
            Render(loop.Body, writer, inner);
        }
    }

    /// <summary>An output that writes no parameter data (see <see cref="TemplateYamlShape"/>): JSON stays, anything else becomes a word.</summary>
    private static string Inert(string text)
    {
        if (text.Length == 0)
        {
            return "";
        }
        var trimmed = text.Trim();
        if (trimmed.Length > 0 && trimmed[0] is '[' or '{' or '"' && trimmed.AsSpan().IndexOfAny('\n', '\r') < 0)
        {
            try
            {
                using var _ = System.Text.Json.JsonDocument.Parse(trimmed);
                return text;
            }
            catch (System.Text.Json.JsonException)
            {
            }
        }
        return "x";
    }

    // ---------------------------------------------------------------- expressions

    public object? Eval(Expr expr, Frame frame)
    {
        switch (expr)
        {
            case LiteralExpr literal:
                return literal.Value;
            case NameExpr name:
                if (frame.TryGet(name.Name, out var value))
                {
                    return value;
                }
                return name.Name == "range" ? Range : Undefined.Value;
            case MemberExpr member:
                return Member(Eval(member.Target, frame), member.Key, member.At);
            case IndexExpr index:
            {
                var target = Eval(index.Target, frame);
                var key = Eval(index.Key, frame);
                return Member(target, key is double d ? JsValues.NumberText(d) : JsValues.ToJsString(key), index.At);
            }
            case CallExpr call:
            {
                var callee = Eval(call.Callee, frame);
                if (callee is not TemplateFunction function)
                {
                    throw new TemplateSyntaxError($"{Describe(call.Callee)} is {JsValues.TypeName(callee)}, not a function", call.At);
                }
                var args = call.Args.Select(a => Eval(a, frame)).ToList();
                budget.Check();
                try
                {
                    return function.Call(args);
                }
                catch (TemplateRenderException e) when (!e.LimitExceeded)
                {
                    throw new TemplateSyntaxError($"{function.Name}(): {e.Message.TrimEnd('.')}", call.At);
                }
            }
            case FilterExpr filter:
                return ApplyFilter(filter, frame);
            case UnaryExpr unary:
            {
                var operand = Eval(unary.Operand, frame);
                return unary.Op switch
                {
                    "not" => !JsValues.Truthy(operand),
                    "-" => -JsValues.ToNumber(operand),
                    _ => JsValues.ToNumber(operand),
                };
            }
            case BinaryExpr binary:
                return Binary(binary, frame);
            case ConditionalExpr conditional:
                return JsValues.Truthy(Eval(conditional.Test, frame))
                    ? Eval(conditional.Then, frame)
                    : conditional.Else is null ? "" : Eval(conditional.Else, frame);
            case ListExpr list:
                return list.Items.Select(i => Eval(i, frame)).ToList();
            case DictExpr dict:
            {
                var result = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, item) in dict.Entries)
                {
                    result[JsValues.ToJsString(Eval(key, frame))] = Eval(item, frame);
                }
                return result;
            }
            case TestExpr test:
            {
                var outcome = Test(test, Eval(test.Target, frame), test.Args.Select(a => Eval(a, frame)).ToList());
                return test.Negated ? !outcome : outcome;
            }
            default:
                throw new TemplateSyntaxError("unsupported expression", expr.At);
        }
    }

    private static string Describe(Expr expr) => expr switch
    {
        NameExpr n => $"'{n.Name}'",
        MemberExpr m => $"'{m.Key}'",
        _ => "the value",
    };

    private object? Binary(BinaryExpr binary, Frame frame)
    {
        var left = Eval(binary.Left, frame);
        switch (binary.Op)
        {
            case "and":
                return JsValues.Truthy(left) ? Eval(binary.Right, frame) : left;
            case "or":
                return JsValues.Truthy(left) ? left : Eval(binary.Right, frame);
        }
        var right = Eval(binary.Right, frame);
        switch (binary.Op)
        {
            case "+" when left is string || right is string || left is IList<object?> or IDictionary<string, object?> || right is IList<object?> or IDictionary<string, object?>:
            case "~":
            {
                var l = JsValues.ToJsString(left);
                var r = JsValues.ToJsString(right);
                budget.CheckSize((long)l.Length + r.Length, $"the result of '{binary.Op}'");
                return l + r;
            }
            case "+":
                return JsValues.ToNumber(left) + JsValues.ToNumber(right);
            case "-":
                return JsValues.ToNumber(left) - JsValues.ToNumber(right);
            case "*":
                return JsValues.ToNumber(left) * JsValues.ToNumber(right);
            case "/":
                return JsValues.ToNumber(left) / JsValues.ToNumber(right);
            case "//":
                return Math.Floor(JsValues.ToNumber(left) / JsValues.ToNumber(right));
            case "%":
                return JsValues.ToNumber(left) % JsValues.ToNumber(right);
            case "**":
                return Math.Pow(JsValues.ToNumber(left), JsValues.ToNumber(right));
            case "==":
                return JsValues.LooseEquals(left, right);
            case "!=":
                return !JsValues.LooseEquals(left, right);
            case "===":
                return JsValues.StrictEquals(left, right);
            case "!==":
                return !JsValues.StrictEquals(left, right);
            case "<" or ">" or "<=" or ">=":
                return JsValues.Compare(left, right, binary.Op);
            case "in":
                return right switch
                {
                    IList<object?> list => list.Any(i => JsValues.StrictEquals(i, left)),
                    string s => s.Contains(JsValues.ToJsString(left), StringComparison.Ordinal),
                    IDictionary<string, object?> d => d.ContainsKey(JsValues.ToJsString(left)),
                    StrictObject o => o.Members.ContainsKey(JsValues.ToJsString(left)),
                    _ => throw new TemplateSyntaxError($"'in' needs a list, a text or an object on its right, not {JsValues.TypeName(right)}", binary.At),
                };
            default:
                throw new TemplateSyntaxError($"unknown operator '{binary.Op}'", binary.At);
        }
    }

    private object? ApplyFilter(FilterExpr filter, Frame frame)
    {
        if (!NunjucksFilters.All.TryGetValue(filter.Name, out var apply))
        {
            throw new TemplateSyntaxError($"there is no filter '{filter.Name}'", filter.At);
        }
        var input = Eval(filter.Input, frame);
        var args = filter.Args.Select(a => Eval(a, frame)).ToList();
        var named = filter.Named.ToDictionary(p => p.Key, p => Eval(p.Value, frame), StringComparer.Ordinal);
        budget.Check();
        var cap = budget.Limits.MaxOutputChars + 1L;
        var size = SizeOf(input, cap) + args.Sum(a => SizeOf(a, cap)) + named.Values.Sum(a => SizeOf(a, cap));
        budget.CheckSize(size, $"the input of the '{filter.Name}' filter");
        if (filter.Name is "replace" && args.Count >= 2)
        {
            budget.CheckSize(ReplacedLength(JsValues.Output(input), JsValues.Output(args[0]), JsValues.Output(args[1]), cap),
                $"the result of the '{filter.Name}' filter");
        }
        object? result;
        try
        {
            result = apply(input, args, named);
        }
        catch (TemplateRenderException e) when (!e.LimitExceeded)
        {
            throw new TemplateSyntaxError($"the filter '{filter.Name}' failed: {e.Message.TrimEnd('.')}", filter.At);
        }
        catch (FormatException e)
        {
            throw new TemplateSyntaxError($"the filter '{filter.Name}' failed: {e.Message.TrimEnd('.')}", filter.At);
        }
        budget.CheckSize(SizeOf(result, cap), $"the result of the '{filter.Name}' filter");
        return result;
    }

    /// <summary>The length of a replacement's result, worked out before it is built (one long replacement times many matches).</summary>
    private static long ReplacedLength(string text, string find, string replacement, long cap)
    {
        if (find.Length == 0 || replacement.Length <= find.Length)
        {
            return text.Length;
        }
        long length = text.Length;
        for (var at = text.IndexOf(find, StringComparison.Ordinal); at >= 0 && length < cap; at = text.IndexOf(find, at + find.Length, StringComparison.Ordinal))
        {
            length += replacement.Length - find.Length;
        }
        return length;
    }

    /// <summary>Characters of a text, items (and their characters) of a list; counting stops at the cap.</summary>
    private static long SizeOf(object? value, long cap)
    {
        switch (value)
        {
            case string s:
                return s.Length;
            case IList<object?> list:
                long size = list.Count;
                foreach (var item in list)
                {
                    if (size >= cap)
                    {
                        break;
                    }
                    size += SizeOf(item, cap - size);
                }
                return size;
            default:
                return 0;
        }
    }

    private static object? Member(object? target, string key, int at)
    {
        switch (target)
        {
            case null or Undefined:
                // As in Nunjucks: a member of nothing is nothing (parameters.optional.x renders empty).
                return Undefined.Value;
            case LoopState loopState:
                return loopState.Get(key);
            case StrictObject strict:
                try
                {
                    return strict.Get(key);
                }
                catch (TemplateRenderException e) when (!e.LimitExceeded)
                {
                    throw new TemplateSyntaxError(e.Message.TrimEnd('.'), at);
                }
            case IDictionary<string, object?> dict:
                return dict.TryGetValue(key, out var value) ? value : Undefined.Value;
            case IList<object?> list:
                if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                {
                    return i < list.Count ? list[i] : Undefined.Value;
                }
                return key == "length" ? (double)list.Count : (object?)ListMethod(list, key) ?? Undefined.Value;
            case string s:
                if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var c))
                {
                    return c < s.Length ? s[c].ToString() : Undefined.Value;
                }
                return key == "length" ? (double)s.Length : (object?)StringMethod(s, key) ?? Undefined.Value;
            default:
                return Undefined.Value;
        }
    }

    private static string ArgText(IReadOnlyList<object?> args, int i) => i < args.Count ? JsValues.ToJsString(args[i]) : "undefined";

    private static int ArgIndex(IReadOnlyList<object?> args, int i, int length, int fallback)
    {
        if (i >= args.Count || args[i] is Undefined)
        {
            return fallback;
        }
        var n = (int)Math.Clamp(JsValues.ToNumber(args[i]), -length - 1L, length + 1L);
        return n < 0 ? Math.Max(0, length + n) : Math.Min(n, length);
    }

    // The JavaScript string methods Backstage templates call (e.g. ${{ parameters.name.split('-')[0] }}).
    private static TemplateFunction? StringMethod(string s, string name) => name switch
    {
        "split" => new(name, a => (a.Count == 0 || a[0] is Undefined ? [s] : ArgText(a, 0).Length == 0
            ? s.Select(c => (object?)c.ToString()) : s.Split(ArgText(a, 0)).Select(p => (object?)p)).ToList()),
        "toUpperCase" => new(name, _ => s.ToUpperInvariant()),
        "toLowerCase" => new(name, _ => s.ToLowerInvariant()),
        "trim" => new(name, _ => s.Trim()),
        "startsWith" => new(name, a => s.StartsWith(ArgText(a, 0), StringComparison.Ordinal)),
        "endsWith" => new(name, a => s.EndsWith(ArgText(a, 0), StringComparison.Ordinal)),
        "includes" => new(name, a => s.Contains(ArgText(a, 0), StringComparison.Ordinal)),
        "indexOf" => new(name, a => (double)s.IndexOf(ArgText(a, 0), StringComparison.Ordinal)),
        "replace" => new(name, a =>
        {
            var find = ArgText(a, 0);
            var at = s.IndexOf(find, StringComparison.Ordinal);
            return at < 0 ? s : s[..at] + ArgText(a, 1) + s[(at + find.Length)..];
        }),
        "replaceAll" => new(name, a => ArgText(a, 0).Length == 0 ? s : s.Replace(ArgText(a, 0), ArgText(a, 1), StringComparison.Ordinal)),
        "slice" => new(name, a =>
        {
            var from = ArgIndex(a, 0, s.Length, 0);
            var to = ArgIndex(a, 1, s.Length, s.Length);
            return to > from ? s[from..to] : "";
        }),
        "substring" => new(name, a =>
        {
            var from = Math.Max(0, ArgIndex(a, 0, s.Length, 0));
            var to = Math.Max(0, ArgIndex(a, 1, s.Length, s.Length));
            return s[Math.Min(from, to)..Math.Max(from, to)];
        }),
        _ => null,
    };

    private static TemplateFunction? ListMethod(IList<object?> list, string name) => name switch
    {
        "join" => new(name, a => string.Join(a.Count == 0 || a[0] is Undefined ? "," : ArgText(a, 0), list.Select(JsValues.Output))),
        "includes" => new(name, a => list.Any(i => JsValues.StrictEquals(i, a.ElementAtOrDefault(0)))),
        "indexOf" => new(name, a => (double)list.ToList().FindIndex(i => JsValues.StrictEquals(i, a.ElementAtOrDefault(0)))),
        "slice" => new(name, a =>
        {
            var from = ArgIndex(a, 0, list.Count, 0);
            var to = ArgIndex(a, 1, list.Count, list.Count);
            return to > from ? list.Skip(from).Take(to - from).ToList() : new List<object?>();
        }),
        "concat" => new(name, a => list.Concat(a.SelectMany(x => x is IList<object?> l ? l : [x])).ToList()),
        _ => null,
    };

    /// <summary>Nunjucks' <c>range(stop)</c> / <c>range(start, stop, step)</c>, sized before it is built.</summary>
    private TemplateFunction Range => new("range", args =>
    {
        double start = 0, stop, step = 1;
        if (args.Count == 1)
        {
            stop = JsValues.ToNumber(args[0]);
        }
        else
        {
            start = JsValues.ToNumber(args.ElementAtOrDefault(0));
            stop = JsValues.ToNumber(args.ElementAtOrDefault(1));
            step = args.Count > 2 ? JsValues.ToNumber(args[2]) : 1;
        }
        if (step == 0 || double.IsNaN(start) || double.IsNaN(stop) || double.IsNaN(step))
        {
            return new List<object?>();
        }
        var count = Math.Max(0, Math.Ceiling((stop - start) / step));
        budget.CheckRange((long)Math.Min(long.MaxValue / 2, count));
        var items = new List<object?>((int)count);
        for (var i = 0; i < count; i++)
        {
            items.Add(start + (i * step));
        }
        return items;
    });

    private static bool Test(TestExpr test, object? value, IReadOnlyList<object?> args) => test.Test switch
    {
        "defined" => value is not Undefined,
        "undefined" => value is Undefined,
        "none" or "null" => value is null,
        "number" => value is double,
        "string" => value is string,
        "boolean" => value is bool,
        "truthy" => JsValues.Truthy(value),
        "falsy" => !JsValues.Truthy(value),
        "odd" => JsValues.ToNumber(value) % 2 is 1 or -1,
        "even" => JsValues.ToNumber(value) % 2 == 0,
        "divisibleby" => JsValues.ToNumber(value) % JsValues.ToNumber(args.ElementAtOrDefault(0)) == 0,
        "eq" or "equalto" or "sameas" => JsValues.StrictEquals(value, args.ElementAtOrDefault(0)),
        "ne" => !JsValues.StrictEquals(value, args.ElementAtOrDefault(0)),
        "lt" => JsValues.Compare(value, args.ElementAtOrDefault(0), "<"),
        "gt" => JsValues.Compare(value, args.ElementAtOrDefault(0), ">"),
        "le" => JsValues.Compare(value, args.ElementAtOrDefault(0), "<="),
        "ge" => JsValues.Compare(value, args.ElementAtOrDefault(0), ">="),
        "iterable" => value is IList<object?> or string,
        "mapping" => value is IDictionary<string, object?> or StrictObject,
        "lower" => value is string s && string.Equals(s, s.ToLowerInvariant(), StringComparison.Ordinal),
        "upper" => value is string u && string.Equals(u, u.ToUpperInvariant(), StringComparison.Ordinal),
        "callable" => value is TemplateFunction,
        _ => throw new TemplateSyntaxError($"there is no test '{test.Test}'", test.At),
    };
}
