using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Fluid;
using Fluid.Ast;
using Fluid.Values;

namespace Portal.Web.Features.Templates;

/// <summary>
/// The guards Fluid does not have, added to every parsed template: ranges are sized before they are built (Fluid
/// builds <c>(1..n)</c> as a list first), every loop iteration and every filter call checks the wall time and the
/// memory allocated, filters may not build texts or lists longer than the output limit, and captures and the output
/// are written into bounded writers. Fluid's own MaxSteps counts the steps.
/// </summary>
public static class TemplateRenderGuards
{
    public const string BudgetKey = "__portal_budget";

    public static TemplateRenderBudget? BudgetOf(TemplateContext context) =>
        context.AmbientValues.TryGetValue(BudgetKey, out var budget) ? budget as TemplateRenderBudget : null;

    public static IFluidTemplate Guard(IFluidTemplate template) => new GuardRewriter().VisitTemplate(template);

    /// <summary>The template with each output replaced by an inert value (see <see cref="TemplateYamlShape"/>).</summary>
    public static IFluidTemplate Inert(IFluidTemplate template) => new InertRewriter().VisitTemplate(template);

    /// <summary>Every filter, wrapped: its inputs and its result must fit the output limit.</summary>
    public static void GuardFilters(TemplateOptions options)
    {
        foreach (var (name, filter) in options.Filters.ToList())
        {
            options.Filters.AddFilter(name, Guard(name, filter));
        }
    }

    private static FilterDelegate Guard(string name, FilterDelegate inner) => (input, arguments, context) =>
    {
        if (BudgetOf(context) is not { } budget)
        {
            return inner(input, arguments, context);
        }
        budget.Check();
        var cap = budget.Limits.MaxOutputChars + 1L;
        var size = SizeOf(input, cap);
        for (var i = 0; i < arguments.Count; i++)
        {
            size += SizeOf(arguments.At(i), cap);
        }
        budget.CheckSize(size, $"the input of the '{name}' filter");
        if (name is "replace" or "replace_first" or "replace_last" && arguments.Count >= 2)
        {
            budget.CheckSize(ReplacedLength(input.ToStringValue(), arguments.At(0).ToStringValue(), arguments.At(1).ToStringValue(), name == "replace", cap),
                $"the result of the '{name}' filter");
        }
        var result = inner(input, arguments, context);
        if (result.IsCompletedSuccessfully)
        {
            budget.CheckSize(SizeOf(result.Result, cap), $"the result of the '{name}' filter");
            return result;
        }
        return Checked(result, budget, name, cap);
    };

    private static async ValueTask<FluidValue> Checked(ValueTask<FluidValue> pending, TemplateRenderBudget budget, string name, long cap)
    {
        var value = await pending;
        budget.CheckSize(SizeOf(value, cap), $"the result of the '{name}' filter");
        return value;
    }

    /// <summary>The length of a replacement's result, worked out before it is built (one long replacement times many matches).</summary>
    private static long ReplacedLength(string text, string find, string replacement, bool all, long cap)
    {
        if (find.Length == 0 || replacement.Length <= find.Length)
        {
            return text.Length;
        }
        long length = text.Length;
        for (var at = text.IndexOf(find, StringComparison.Ordinal); at >= 0 && length < cap; at = all ? text.IndexOf(find, at + find.Length, StringComparison.Ordinal) : -1)
        {
            length += replacement.Length - find.Length;
        }
        return length;
    }

    /// <summary>Characters of a text, items (and their characters) of a list; counting stops at the cap.</summary>
    private static long SizeOf(FluidValue value, long cap)
    {
        switch (value)
        {
            case StringValue s:
                return s.ToStringValue().Length;
            case ArrayValue a:
                long size = a.Values.Count;
                foreach (var item in a.Values)
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

    /// <summary>Renders statements into a bounded writer: the output, and each capture.</summary>
    public static async ValueTask<Completion> RenderInto(IReadOnlyList<Statement> statements, TextWriter writer, TextEncoder encoder, TemplateContext context)
    {
        foreach (var statement in statements)
        {
            var completion = await statement.WriteToAsync(writer, encoder, context);
            if (completion != Completion.Normal)
            {
                return completion;
            }
        }
        return Completion.Normal;
    }

    private sealed class GuardRewriter : AstRewriter
    {
        protected override Expression VisitRangeExpression(RangeExpression rangeExpression) =>
            new GuardedRange(Visit(rangeExpression.From), Visit(rangeExpression.To));

        protected override Statement VisitForStatement(ForStatement forStatement)
        {
            var visited = base.VisitForStatement(forStatement) as ForStatement ?? forStatement;
            // The source is visited too: a range becomes a GuardedRange, so Fluid's list-building range path is not taken.
            var source = visited.Source ?? visited.Range;
            if (source is RangeExpression range)
            {
                source = new GuardedRange(Visit(range.From), Visit(range.To));
            }
            return new ForStatement([LoopGuard.Instance, .. visited.Statements], visited.Identifier, source, visited.Limit, visited.Offset, visited.Reversed,
                visited.Else);
        }

        protected override Statement VisitTableRowStatement(TableRowStatement tableRowStatement)
        {
            var visited = base.VisitTableRowStatement(tableRowStatement) as TableRowStatement ?? tableRowStatement;
            return new TableRowStatement([LoopGuard.Instance, .. visited.Statements], visited.Identifier, visited.Source, visited.Limit, visited.Offset, visited.Cols);
        }

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        {
            var visited = base.VisitCaptureStatement(captureStatement) as CaptureStatement ?? captureStatement;
            return new GuardedCapture(visited.Identifier, visited.Statements);
        }
    }

    private sealed class InertRewriter : AstRewriter
    {
        public override Statement Visit(Statement statement) =>
            statement is OutputStatement output ? new InertOutput(output.Expression) : base.Visit(statement);
    }

    /// <summary>A range whose size is checked before Fluid builds it.</summary>
    private sealed class GuardedRange(Expression from, Expression to) : Expression
    {
        public override async ValueTask<FluidValue> EvaluateAsync(TemplateContext context)
        {
            var start = await from.EvaluateAsync(context);
            var end = await to.EvaluateAsync(context);
            BudgetOf(context)?.CheckRange((long)Math.Min(long.MaxValue / 2, Math.Max(0m, end.ToNumberValue() - start.ToNumberValue() + 1)));
            return await new RangeExpression(new LiteralExpression(start), new LiteralExpression(end)).EvaluateAsync(context);
        }
    }

    /// <summary>The first statement of every loop body: each iteration checks the time and memory spent so far.</summary>
    private sealed class LoopGuard : Statement
    {
        public static readonly LoopGuard Instance = new();

        public override ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
        {
            BudgetOf(context)?.Check();
            return new ValueTask<Completion>(Completion.Normal);
        }
    }

    /// <summary>Liquid's capture, written into a bounded writer (Fluid's grows without limit).</summary>
    private sealed class GuardedCapture(string identifier, IReadOnlyList<Statement> statements) : Statement
    {
        public override async ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
        {
            var budget = BudgetOf(context) ?? new TemplateRenderBudget(TemplateRenderLimits.Current);
            using var captured = new BoundedWriter(budget, $"the capture '{identifier}'");
            var completion = await RenderInto(statements, captured, encoder, context);
            context.SetValue(identifier, new StringValue(captured.ToString()));
            return completion;
        }
    }

    /// <summary>
    /// An output that writes no parameter data: JSON (what <c>dump</c> makes, data by construction) stays as it is,
    /// anything else becomes a plain word.
    /// </summary>
    private sealed class InertOutput(Expression expression) : Statement
    {
        public override async ValueTask<Completion> WriteToAsync(TextWriter writer, TextEncoder encoder, TemplateContext context)
        {
            var text = (await expression.EvaluateAsync(context)).ToStringValue();
            writer.Write(text.Length == 0 ? "" : IsOneLineJson(text) ? text : "x");
            return Completion.Normal;
        }

        private static bool IsOneLineJson(string text)
        {
            var trimmed = text.Trim();
            if (trimmed.Length == 0 || trimmed[0] is not ('[' or '{' or '"') || trimmed.AsSpan().IndexOfAny('\n', '\r') >= 0)
            {
                return false;
            }
            try
            {
                using var _ = JsonDocument.Parse(trimmed);
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }
}

/// <summary>A writer that stops (with the limit named) before it holds more than one rendering may produce.</summary>
public sealed class BoundedWriter(TemplateRenderBudget budget, string what) : TextWriter
{
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    private void Grow(int count)
    {
        budget.CheckSize(_text.Length + (long)count, what);
        budget.Check();
    }

    public override void Write(char value)
    {
        Grow(1);
        _text.Append(value);
    }

    public override void Write(string? value)
    {
        if (value is not null)
        {
            Grow(value.Length);
            _text.Append(value);
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        Grow(count);
        _text.Append(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        Grow(buffer.Length);
        _text.Append(buffer);
    }

    // TextWriter's own async writes hop to the thread pool; these stay on the rendering's thread.
    public override Task WriteAsync(char value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(char[] buffer, int index, int count)
    {
        Write(buffer, index, count);
        return Task.CompletedTask;
    }

    public override Task WriteAsync(ReadOnlyMemory<char> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return Task.CompletedTask;
    }

    public override string ToString() => _text.ToString();
}
