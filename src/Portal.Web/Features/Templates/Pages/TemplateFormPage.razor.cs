using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Portal.Web.Features.Templates.Pages;

/// <summary>The template form: loading, preview and creation; the form's own state and rules are in <see cref="TemplateForm"/>.</summary>
public partial class TemplateFormPage
{
    [Parameter] public string Ns { get; set; } = "";
    [Parameter] public string Name { get; set; } = "";
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = null!;

    private TemplateDefinition? template;
    private TemplateForm form = new([]);
    private Dictionary<string, string[]> serverErrors = [];
    private string? overLimit;
    private IReadOnlyList<string> templateProblems = [];
    private DryRunResult? preview;
    private string? selectedFile;
    private bool loading = true, busy;

    protected override async Task OnParametersSetAsync()
    {
        template = await Scaffolder.FindTemplateAsync(Ns, Name, Cancellation);
        if (template is not null)
        {
            form = new TemplateForm(template.Pages);
            templateProblems = Runner.Check(template);
        }
        loading = false;
    }

    /// <summary>Any change of a field's validity makes the preview stale.</summary>
    private void SetError(string field, string? error)
    {
        form.SetError(field, error);
        preview = null;
    }

    private void Next()
    {
        if (form.Pages[form.Step].Fields.Count > 0)
        {
            preview = null;
        }
        form.Next();
    }

    private string? SelectedContent
    {
        get
        {
            var file = preview?.Files.FirstOrDefault(f => f.Path == selectedFile);
            if (file is null)
            {
                return null;
            }
            var bytes = Convert.FromBase64String(file.Base64Content);
            return Actions.Skeleton.IsBinary(bytes) ? $"(binary file, {bytes.Length} bytes)" : System.Text.Encoding.UTF8.GetString(bytes);
        }
    }

    private async Task PreviewAsync()
    {
        busy = true;
        try
        {
            var user = (await AuthState).User;
            var outcome = await Scaffolder.DryRunAsync(user, Ns, Name, form.Values, Cancellation);
            serverErrors = outcome.Errors;
            preview = outcome.Result;
            selectedFile = preview?.Files.FirstOrDefault(f => f.Path.EndsWith("README.md", StringComparison.Ordinal))?.Path
                ?? (preview is { Files.Count: > 0 } result ? result.Files[0].Path : null);
        }
        finally
        {
            busy = false;
        }
    }

    private async Task CreateAsync()
    {
        busy = true;
        overLimit = null;
        try
        {
            var user = (await AuthState).User;
            var created = await Scaffolder.CreateTaskAsync(user, template!.EntityRef, form.Values, null, Cancellation);
            if (created.Id is { } id)
            {
                Navigation.NavigateTo($"/create/tasks/{id}");
                return;
            }
            if (created.OverLimit is { } refusal)
            {
                // Not a problem with the values: the person has too many runs going; the review keeps what they entered.
                serverErrors = [];
                overLimit = refusal.Message;
                return;
            }
            serverErrors = created.Errors;
            Snackbar.Add(created.TemplateMissing ? "The template is no longer in the catalog." : "Some values are not valid; see the review.", Severity.Error);
        }
        finally
        {
            busy = false;
        }
    }
}
