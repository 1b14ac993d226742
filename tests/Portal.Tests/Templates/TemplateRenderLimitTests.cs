using System.Diagnostics;
using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

/// <summary>Each bound of <see cref="TemplateRenderLimits"/> stops a hostile template quickly, with its setting named.</summary>
public sealed class TemplateRenderLimitTests
{
    private static readonly Dictionary<string, object?> Model = new(StringComparer.Ordinal) { ["values"] = JsonNode.Parse("""{"name":"orders"}""") };

    private static (TemplateRenderException Error, TimeSpan Took, long Allocated) Stopped(string text, TemplateRenderLimits? limits = null)
    {
        using var scope = TemplateRenderLimits.Use(limits ?? TemplateRenderLimits.Default);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<TemplateRenderException>(() => TemplateText.Render(text, Model, "the file 'x'"));
        return (error, clock.Elapsed, GC.GetAllocatedBytesForCurrentThread() - allocated);
    }

    [Fact]
    public void A_huge_range_in_a_loop_is_refused_before_it_is_built()
    {
        var (error, took, allocated) = Stopped("{% for i in range(2000000000) %}{% endfor %}");

        Assert.Equal("the file 'x': Template rendering stopped: a range of 2000000000 items is more than 10000 (Portal:Templates:MaxRangeSize).", error.Message);
        Assert.True(error.LimitExceeded);
        Assert.True(took < TimeSpan.FromSeconds(1), took.ToString());
        Assert.True(allocated < 50_000_000, $"{allocated} bytes");
    }

    [Fact]
    public void A_huge_range_assigned_to_a_variable_is_refused_too()
    {
        var (error, _, _) = Stopped("{% set r = range(0, 50000001) %}${{ r | length }}");

        Assert.Contains("(Portal:Templates:MaxRangeSize)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_loops_stop_at_the_step_limit()
    {
        var (error, took, _) = Stopped("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}");

        Assert.Equal("the file 'x': Template rendering stopped: more than 100000 steps (Portal:Templates:MaxRenderSteps).", error.Message);
        Assert.True(took < TimeSpan.FromSeconds(5), took.ToString());
    }

    [Fact]
    public void An_output_bomb_stops_at_the_output_limit()
    {
        var (error, _, allocated) = Stopped("{% for i in range(10000) %}{% for j in range(9) %}${{ values.name }}-${{ values.name }}-${{ values.name }}{% endfor %}{% endfor %}",
            TemplateRenderLimits.Default with { MaxSteps = 10_000_000 });

        Assert.Equal("the file 'x': Template rendering stopped: the output would be longer than 1000000 characters (Portal:Templates:MaxRenderOutputChars).", error.Message);
        Assert.True(allocated < 200_000_000, $"{allocated} bytes");
    }

    [Fact]
    public void A_string_doubled_by_append_stops_at_the_output_limit()
    {
        var (error, _, allocated) = Stopped("{% set s = 'xxxxxxxxxx' %}{% for i in range(40) %}{% set s = s | append(s) %}{% endfor %}${{ s | length }}");

        Assert.Contains("the input of the 'append' filter would be longer than 1000000 characters (Portal:Templates:MaxRenderOutputChars)", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 100_000_000, $"{allocated} bytes");
    }

    [Fact]
    public void A_capture_doubled_without_a_loop_stops_at_the_output_limit()
    {
        var doubling = string.Concat(Enumerable.Repeat("{% set s %}${{ s }}${{ s }}{% endset %}", 40));

        var (error, _, allocated) = Stopped("{% set s %}xxxxxxxxxx{% endset %}" + doubling + "${{ s | length }}");

        Assert.Contains("the capture 's' would be longer than 1000000 characters", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 100_000_000, $"{allocated} bytes");
    }

    [Fact]
    public void A_replacement_that_multiplies_a_text_is_refused_before_it_is_built()
    {
        var (error, _, allocated) = Stopped("{% set s = 'a' %}{% for i in range(17) %}{% set s = s ~ s %}{% endfor %}"
            + "{% set big = 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' %}"
            + "${{ s | replace('a', big) | length }}");

        Assert.Contains("the result of the 'replace' filter would be longer than 1000000 characters", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 100_000_000, $"{allocated} bytes");
    }

    [Fact]
    public void Rendering_that_takes_too_long_stops_at_the_time_limit()
    {
        // A hundred million empty iterations: with steps to spare, the clock stops it.
        var text = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}";

        var (error, took, _) = Stopped(text, TemplateRenderLimits.Default with { MaxMilliseconds = 200, MaxSteps = 100_000_000 });

        Assert.Equal("the file 'x': Template rendering stopped: it took longer than 200 ms (Portal:Templates:MaxRenderMilliseconds).", error.Message);
        Assert.True(took < TimeSpan.FromSeconds(3), took.ToString());
    }

    [Fact]
    public void Allocating_too_much_in_all_stops_at_the_memory_limit()
    {
        // Each text is within the output limit, but thousands of them are not within the memory one.
        var text = "{% set s = 'x' %}{% for i in range(18) %}{% set s = s ~ s %}{% endfor %}"
            + "{% for i in range(10000) %}{% set t = s | upper %}{% endfor %}";

        var (error, _, allocated) = Stopped(text, TemplateRenderLimits.Default with { MaxMemoryMB = 64, MaxMilliseconds = 60_000 });

        Assert.Equal("the file 'x': Template rendering stopped: it allocated more than 64 MB (Portal:Templates:MaxRenderMemoryMB).", error.Message);
        Assert.True(allocated < 200_000_000, $"{allocated} bytes");
    }

    [Fact]
    public void A_text_doubled_by_concatenation_stops_at_the_output_limit()
    {
        var (error, _, allocated) = Stopped("{% set s = 'xxxxxxxxxx' %}{% for i in range(40) %}{% set s = s + s %}{% endfor %}${{ s | length }}");

        Assert.Contains("the result of '+' would be longer than 1000000 characters", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 100_000_000, $"{allocated} bytes");
    }

    [Fact]
    public void Deeply_nested_parentheses_are_refused_not_a_stack_overflow()
    {
        var text = "${{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}";

        var error = Assert.Throws<TemplateRenderException>(() => TemplateText.Render(text, Model, "the file 'x'"));

        Assert.Contains("nested more than 100 levels deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ordinary_loops_captures_and_filters_still_work()
    {
        var text = "{% set list %}{% for i in range(1, 4) %}${{ i }}{% if not loop.last %},{% endif %}{% endfor %}{% endset %}"
            + "${{ list }} ${{ (values.name ~ '-api') | replace('-', '_') | upper }}";

        var rendered = TemplateText.Render(text, Model, "t");

        Assert.Equal("1,2,3 ORDERS_API", rendered);
    }
}
