using Portal.Web.Features.Templates;

namespace Portal.Tests.Templates;

public sealed class UnsupportedActionsTests
{
    [Fact]
    public void A_template_using_a_Backstage_action_the_portal_lacks_is_refused_with_the_action_the_reason_and_every_supported_action()
    {
        var runner = TemplateRenderingTests.Runner();
        var folder = Path.Combine(Path.GetTempPath(), "unsupported-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "template.yaml");
        File.WriteAllText(file, """
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: gitlab-template
            spec:
              owner: group:default/platform
              type: service
              steps:
                - id: publish
                  action: publish:bitbucket
                  input: {repoUrl: bitbucket.org?owner=acme&repo=x}
                - id: notify
                  action: fetch:rails
                  input: {url: ./skeleton}
                - id: custom
                  action: acme:deploy
            """);
        var template = TemplateRenderingTests.Load(file);

        var problems = runner.Check(template);

        const string Supported = "Supported actions: debug:log, fetch:plain, fetch:template, publish:git, publish:github (inputs at /create/actions).";
        Assert.Equal(
        [
            "Step 'publish' uses the action 'publish:bitbucket', which this portal does not support: Bitbucket publishing is not built; use publish:github "
                + "or publish:git. " + Supported,
            "Step 'notify' uses the action 'fetch:rails', which this portal does not support: the portal does not run Ruby generators; "
                + "use fetch:template. " + Supported,
            "Step 'custom' uses the action 'acme:deploy', which this portal does not support. " + Supported,
        ], problems);
        Directory.Delete(folder, recursive: true);
    }
}
