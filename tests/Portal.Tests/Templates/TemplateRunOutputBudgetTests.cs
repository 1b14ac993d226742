using System.Text;
using System.Text.Json.Nodes;
using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

/// <summary>The total of a run's step outputs (<see cref="TemplateRunOutputBudget"/>): measured as stored, refused past the budget with the setting named.</summary>
public sealed class TemplateRunOutputBudgetTests
{
    [Fact]
    public void An_output_is_measured_as_its_stored_JSON_in_UTF8()
    {
        var output = new JsonObject { ["name"] = "café", ["items"] = new JsonArray(1, 2, 3) };

        Assert.Equal(Encoding.UTF8.GetByteCount(output.ToJsonString()), TemplateRunOutputBudget.SizeOf(output));
        Assert.Equal(0, TemplateRunOutputBudget.SizeOf(null));
    }

    [Fact]
    public void Outputs_up_to_the_budget_fit_and_one_byte_more_is_refused_naming_the_limit_and_the_sizes()
    {
        Assert.Null(TemplateRunOutputBudget.Exceeded(usedBytes: 6 * 1024 * 1024, stepBytes: 2 * 1024 * 1024, TemplateRunOutputBudget.DefaultMaxBytes));

        var refused = TemplateRunOutputBudget.Exceeded(usedBytes: 6 * 1024 * 1024, stepBytes: 2 * 1024 * 1024 + 1, TemplateRunOutputBudget.DefaultMaxBytes);

        Assert.Equal("Template run stopped: the run's step outputs would exceed 8 MiB (Portal:Templates:MaxRunOutputBytes): the step returned "
            + "2,097,153 bytes after 6 MiB from earlier steps. Keep fewer or smaller outputs (e.g. ask an API for fewer items).", refused);
    }

    [Fact]
    public void A_small_budget_is_named_in_bytes()
    {
        var refused = TemplateRunOutputBudget.Exceeded(usedBytes: 0, stepBytes: 5_000, maxBytes: 4_096);

        Assert.StartsWith("Template run stopped: the run's step outputs would exceed 4,096 bytes (Portal:Templates:MaxRunOutputBytes): the step returned 5,000 bytes after 0 bytes",
            refused, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_run_again_replaces_its_own_output_in_the_total()
    {
        var state = new RunState([], []);
        var first = new JsonObject { ["body"] = new string('a', 1_000) };
        var second = new JsonObject { ["body"] = new string('b', 500) };
        state.KeepOutput("one", first, TemplateRunOutputBudget.SizeOf(first));
        // An output kept from an earlier attempt (a resumed task) is measured when first needed.
        state.StepOutputs["two"] = second;

        Assert.Equal(TemplateRunOutputBudget.SizeOf(second), state.OutputBytesBesides("one"));
        Assert.Equal(TemplateRunOutputBudget.SizeOf(first) + TemplateRunOutputBudget.SizeOf(second), state.OutputBytesBesides("three"));
    }
}
