using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

/// <summary>Which entity a scaffolder run made: only a completed catalog:register step's entityRef counts.</summary>
public sealed class TemplateReadsTests
{
    private static TaskStepState Step(string action, string status, string? output) => new() { Id = action, Action = action, Status = status, Output = output };

    [Fact]
    public void The_completed_register_step_names_the_entity_in_lower_case()
    {
        TaskStepState[] steps =
        [
            Step("publish:git", StepStatus.Completed, """{"repoContentsUrl":"file:///r","entityRef":"component:default/not-this"}"""),
            Step("catalog:register", StepStatus.Completed, """{"entityRef":"Component:default/Orders","catalogInfoUrl":"file:///r#/catalog-info.yaml"}"""),
        ];

        Assert.Equal("component:default/orders", TemplateReads.RegisteredEntity(steps));
    }

    [Theory]
    [InlineData(StepStatus.Failed, """{"entityRef":"component:default/orders"}""")]
    [InlineData(StepStatus.Completed, """{"entityRef":""}""")] // optional registration that registered nothing
    [InlineData(StepStatus.Completed, "not json")]
    [InlineData(StepStatus.Completed, """{"entityRef":42}""")]
    public void A_run_that_registered_nothing_made_no_entity(string status, string output)
    {
        Assert.Null(TemplateReads.RegisteredEntity([Step("catalog:register", status, output)]));
    }
}
