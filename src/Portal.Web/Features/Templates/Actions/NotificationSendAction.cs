using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Inbox;

namespace Portal.Web.Features.Templates.Actions;

/// <summary>
/// <c>notification:send</c> (Backstage's action): a message in the portal's inbox (the bell) of everyone, or of the people
/// the entity refs stand for (a User, a Group's members, an entity's owner). A dry run says whom it would reach and sends nothing.
/// </summary>
public sealed class NotificationSendAction(InboxSender inbox) : IScaffolderAction
{
    public const string ActionId = "notification:send";

    public string Id => ActionId;
    public string Description => "Sends a notification to the portal's inbox (the bell) of everyone or of the people the entities stand for.";
    public bool HasSideEffects => true;

    public IReadOnlyList<ActionField> Inputs { get; } =
    [
        new("recipients", "string", true, "broadcast (everyone in the catalog) or entity (the people of entityRefs)."),
        new("entityRefs", "string[]", false, "With entity: User refs (that person), Group refs (its members and sub-groups' members), other entities (their owner's people)."),
        new("title", "string", true, $"The title (at most {InboxSender.MaxTitle} characters)."),
        new("info", "string", false, "The text under the title."),
        new("link", "string", false, "A portal path (/catalog/...) or an http(s) URL."),
        new("severity", "string", false, "low, normal (default), high or critical."),
        new("scope", "string", false, "A message this template sends again with the same scope replaces the person's earlier one (another template's never)."),
        new("optional", "boolean", false, "Do not fail the step when the notification cannot be sent."),
    ];

    public IReadOnlyList<ActionField> Outputs { get; } = [];

    public async Task<JsonObject> RunAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var optional = ActionInput.Bool(input, "optional");
        try
        {
            await SendAsync(context, input, cancellationToken);
        }
        catch (TemplateRenderException ex) when (optional)
        {
            context.Log($"Not sent ({ex.Message}); the step is optional, so the run goes on.");
        }
        return new JsonObject();
    }

    private async Task SendAsync(ActionContext context, JsonObject input, CancellationToken cancellationToken)
    {
        var recipients = ActionInput.Text(input, "recipients");
        // Backstage's schema says 'entity'; its own examples write 'entities', which its handler treats the same.
        var broadcast = recipients == "broadcast";
        if (!broadcast && recipients is not ("entity" or "entities"))
        {
            throw Fail($"recipients must be 'broadcast' or 'entity', not '{recipients}'.");
        }
        if (broadcast && !context.Template.Trusted)
        {
            // Reaching everyone is for what an admin put in the catalog, not for any member's template.
            throw Fail($"broadcast reaches every person in the catalog, so only templates an admin registered may use it; {context.Template.EntityRef} was not. "
                + "Name the people or teams with recipients: entity.");
        }
        var payload = new InboxPayload(ActionInput.Text(input, "title") ?? "", ActionInput.Text(input, "info"), ActionInput.Text(input, "link"),
            ActionInput.Text(input, "severity") ?? InboxSeverity.Normal, ActionInput.Text(input, "scope"));
        if (InboxSender.Problems(payload) is { Count: > 0 } problems)
        {
            throw Fail(string.Join(" ", problems));
        }
        var refs = new List<string>();
        if (!broadcast)
        {
            var given = ActionInput.Strings(input, "entityRefs");
            if (given.Count == 0)
            {
                throw Fail("recipients: entity needs entityRefs (e.g. user:default/jane or group:default/payments).");
            }
            foreach (var reference in given)
            {
                try
                {
                    refs.Add(EntityRef.Parse(reference).ToString());
                }
                catch (FormatException)
                {
                    throw Fail($"'{reference}' is not an entity reference (kind:namespace/name, e.g. group:default/payments).");
                }
            }
        }
        var (people, unknown) = await inbox.RecipientsAsync(broadcast, refs, cancellationToken);
        if (unknown.Count > 0)
        {
            throw Fail($"no entity {string.Join(", ", unknown)} in the catalog.");
        }
        var whom = broadcast ? $"everyone in the catalog ({people.Count} people)" : $"{people.Count} people ({string.Join(", ", people.Take(10))}{(people.Count > 10 ? ", …" : "")})";
        if (context.DryRun)
        {
            context.Log($"Would notify {whom}: '{payload.Title}' ({payload.Severity}).");
            return;
        }
        if (people.Count == 0)
        {
            context.Log($"Nobody to notify: {string.Join(", ", refs)} stand for no person in the catalog.");
            return;
        }
        // Who ran it, not only which template: a template's name is whatever its author chose.
        var origin = $"{context.Template.EntityRef}, run by {context.Actor.Name} (task {context.TaskId})";
        // The scope is the template's own: another template's message with the same scope is never replaced by this one.
        await inbox.SendAsync(people, payload, context.Template.EntityRef, origin.Length > 400 ? origin[..400] : origin, cancellationToken);
        context.Log($"Notified {whom}: '{payload.Title}'.");
    }

    private TemplateRenderException Fail(string message) => new($"{Id}: {message}");
}
