using System.Text;
using System.Text.Json.Nodes;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Templates;
using Portal.Web.Features.Templates.Actions;

namespace Portal.Tests.Templates;

/// <summary>The workspace actions common templates use: fs:rename, fs:delete, fetch:plain:file and catalog:write.</summary>
public sealed class WorkspaceActionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("portal-ws-actions-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static TemplateRunner Runner() =>
        new([new FetchTemplateAction(), new FetchPlainFileAction(), new FsRenameAction(), new FsDeleteAction(), new CatalogWriteAction()]);

    private TemplateDefinition Write(string steps)
    {
        Directory.CreateDirectory(Path.Combine(_root, "skeleton", "src"));
        Directory.CreateDirectory(Path.Combine(_root, "files"));
        File.WriteAllText(Path.Combine(_root, "skeleton", "src", "main.txt"), "${{ values.name }}\n");
        File.WriteAllText(Path.Combine(_root, "skeleton", "build.log"), "noise\n");
        File.WriteAllText(Path.Combine(_root, "skeleton", "README.md"), "# ${{ values.name }}\n");
        File.WriteAllText(Path.Combine(_root, "files", "LICENSE"), "Apache-2.0 ${{ not rendered }}\n");
        File.WriteAllText(Path.Combine(_root, "template.yaml"), $$$"""
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: ws
            spec:
              owner: group:default/platform
              type: service
              parameters:
                properties:
                  name: {type: string}
              steps:
                - id: fetch
                  action: fetch:template
                  input:
                    url: ./skeleton
                    values:
                      name: ${{ parameters.name }}
            {{{steps}}}
            """);
        return TemplateRenderingTests.Load(Path.Combine(_root, "template.yaml"));
    }

    private static async Task<DryRunResult> DryRun(TemplateDefinition template) =>
        await Runner().DryRunAsync(template, new JsonObject { ["name"] = "orders" }, new JsonObject(), AuditActor.System, new HashSet<string>(), CancellationToken.None);

    private static string Text(DryRunResult result, string path) =>
        Encoding.UTF8.GetString(Convert.FromBase64String(result.Files.Single(f => f.Path == path).Base64Content));

    [Fact]
    public async Task Files_are_renamed_deleted_copied_and_a_descriptor_is_written()
    {
        var template = Write("""
                - id: rename
                  action: fs:rename
                  input:
                    files:
                      - from: src
                        to: ${{ parameters.name }}/src
                - id: delete
                  action: fs:delete
                  input:
                    files: ['**/*.log']
                - id: license
                  action: fetch:plain:file
                  input:
                    url: ./files/LICENSE
                    targetPath: LICENSE
                - id: write
                  action: catalog:write
                  input:
                    filePath: catalog-info.yaml
                    entity:
                      apiVersion: backstage.io/v1alpha1
                      kind: Component
                      metadata:
                        name: ${{ parameters.name }}
                      spec:
                        type: service
                        lifecycle: experimental
                        owner: group:default/payments
            """);

        var result = await DryRun(template);

        Assert.DoesNotContain(result.Log, l => l.Level == "error");
        Assert.Equal(["LICENSE", "README.md", "catalog-info.yaml", "orders/src/main.txt"], result.Files.Select(f => f.Path).Order(StringComparer.Ordinal));
        Assert.Equal("orders\n", Text(result, "orders/src/main.txt"));
        Assert.Equal("Apache-2.0 ${{ not rendered }}\n", Text(result, "LICENSE"));
        var descriptor = Portal.Web.Features.Catalog.DescriptorYaml.Parse(Text(result, "catalog-info.yaml")).Single().Entity!;
        Assert.Equal("orders", descriptor["metadata"]!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""
            - id: rename
              action: fs:rename
              input:
                files: [{from: missing.txt, to: x.txt}]
        """, "fs:rename: there is no file or folder 'missing.txt' in the workspace.")]
    [InlineData("""
            - id: rename
              action: fs:rename
              input:
                files: [{from: README.md, to: build.log}]
        """, "fs:rename: 'build.log' already exists; set overwrite: true to replace it.")]
    [InlineData("""
            - id: rename
              action: fs:rename
              input:
                files: [{from: README.md, to: ../outside.md}]
        """, "leaves the workspace")]
    [InlineData("""
            - id: write
              action: catalog:write
              input:
                entity: {apiVersion: backstage.io/v1alpha1, kind: Component, metadata: {name: 'Not Valid'}}
        """, "catalog:write: the entity is not valid")]
    public async Task Mistakes_fail_the_step_with_a_message_that_names_them(string step, string message)
    {
        var result = await DryRun(Write(step));

        var error = Assert.Single(result.Log, l => l.Level == "error");
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
