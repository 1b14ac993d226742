using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.TestSupport;
using Portal.Web.Features.Templates;

namespace Portal.IntegrationTests.Templates;

/// <summary>Helpers for the scaffolder tests: a small template on disk, the API calls and waiting for a task.</summary>
public static class TemplateKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Writes a template (in Backstage's format) whose skeleton is a README and a catalog-info.yaml owned by the chosen team;
    /// it logs the (secret) token, publishes with publish:git and registers the component.
    /// </summary>
    public static string WriteServiceTemplate(string folder, string name = "svc-template")
    {
        var root = Path.Combine(folder, name);
        Directory.CreateDirectory(Path.Combine(root, "skeleton"));
        File.WriteAllText(Path.Combine(root, "template.yaml"), $$$"""
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: {{{name}}}
              title: Small service
              description: A README and a catalog entry.
            spec:
              owner: group:default/platform
              type: service
              parameters:
                - title: Service
                  required: [name, owner]
                  properties:
                    name: {title: Name, type: string, pattern: '^[a-z][a-z0-9-]{2,30}$'}
                    description: {title: Description, type: string}
                    owner: {title: Owner, type: string, ui:field: OwnerPicker, ui:options: {catalogFilter: {kind: Group} } }
                - title: Secrets
                  properties:
                    token: {title: Token, type: string, ui:widget: password}
              steps:
                - id: fetch
                  name: Render
                  action: fetch:template
                  input:
                    url: ./skeleton
                    values:
                      name: ${{ parameters.name }}
                      owner: ${{ parameters.owner }}
                - id: say
                  name: Say
                  action: debug:log
                  input:
                    message: 'deploy token ${{ parameters.token }}'
                - id: publish
                  name: Publish
                  action: publish:git
                  input:
                    repoUrl: portal?owner=${{ parameters.owner | parseEntityRef | pick('name') }}&repo=${{ parameters.name }}
                    description: ${{ parameters.name }} service
                - id: register
                  name: Register
                  action: catalog:register
                  input:
                    repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}
                    catalogInfoPath: /catalog-info.yaml
              output:
                links:
                  - title: Repository
                    url: ${{ steps['publish'].output.remoteUrl }}
                  - title: Open in catalog
                    icon: catalog
                    entityRef: ${{ steps['register'].output.entityRef }}
            """);
        File.WriteAllText(Path.Combine(root, "skeleton", "README.md"), "# ${{ values.name }}\n\nOwned by ${{ values.owner }}.\n");
        File.WriteAllText(Path.Combine(root, "skeleton", "catalog-info.yaml"), """
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: ${{ values.name }}
            spec:
              type: service
              lifecycle: experimental
              owner: ${{ values.owner }}
            """);
        return Path.Combine(root, "template.yaml");
    }

    /// <summary>
    /// Writes <c>&lt;folder&gt;/&lt;name&gt;/template.yaml</c>: a Template owned by Platform whose <c>spec</c> continues with
    /// <paramref name="spec"/> (indented two spaces, e.g. "  steps: ..."). Returns the file's path.
    /// </summary>
    public static string WriteTemplate(string folder, string name, string spec)
    {
        var directory = Path.Combine(folder, name);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "template.yaml");
        File.WriteAllText(file, $"""
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: {name}
            spec:
              owner: group:default/platform
              type: service

            """ + spec);
        return file;
    }

    public static async Task RegisterAsync(HttpClient client, string templateFile)
    {
        var response = await client.PostAsJsonAsync("/api/catalog/locations", new { type = "file", target = templateFile });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<Guid> CreateTaskAsync(HttpClient client, string templateRef, object values)
    {
        var response = await client.PostAsJsonAsync("/api/scaffolder/tasks", new { templateRef, values });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
    }

    public static async Task<TaskView> GetTaskAsync(HttpClient client, Guid id) =>
        (await client.GetFromJsonAsync<TaskView>($"/api/scaffolder/tasks/{id}", JsonSerializerOptions.Web))!;

    public static async Task<TaskView> WaitForAsync(HttpClient client, Guid id, string status)
    {
        TaskView? last = null;
        try
        {
            await Wait.UntilAsync(async () =>
            {
                last = await GetTaskAsync(client, id);
                if (ScaffolderTaskStatus.IsFinished(last.Status) && last.Status != status)
                {
                    throw new InvalidOperationException($"The task ended {last.Status}: {last.Error}\n{Describe(last)}");
                }
                return last.Status == status;
            }, Patience, $"task {id} to be {status}");
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message} It is {last?.Status}.\n{(last is null ? "" : Describe(last))}", ex);
        }
        return last!;
    }

    public static string Describe(TaskView task) => string.Join("\n", task.Log.Select(l => $"[{l.StepId}] {l.Level}: {l.Message}"));

    public static async Task<string> CloneAsync(string url)
    {
        var clone = Path.Combine(Path.GetTempPath(), "scaffolded-" + Guid.NewGuid().ToString("N"));
        await Portal.Web.Infrastructure.Git.GitCli.RunAsync(Path.GetTempPath(), CancellationToken.None, "clone", "--quiet", url, clone);
        return clone;
    }
}
