using System.Text;

namespace Portal.Web.Features.Templates;

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
