using System.Text.Json;
using MimeKit;
using Portal.Web.Features.Incidents;
using YamlDotNet.RepresentationModel;

namespace Portal.Tests.Incidents;

/// <summary>
/// The Microsoft Teams, Opsgenie and e-mail bodies read as the vendors document them (TestData: Microsoft's documented
/// webhook example, Opsgenie's own OpenAPI description), and each carries the SLO, the burn rates, the explanation, the
/// runbook and the incident link.
/// </summary>
public sealed class ReceiverFormatTests
{
    private const string Link = "https://portal.example/incidents/0193b2";
    private const string Explanation = "Burn rate 100 over 1h and 100 over 5m against 14.4: both above, so the budget burns 100 times too fast.";
    private static readonly string[] CardElements = ["TextBlock", "FactSet"];
    private static readonly string[] WebhookActions = ["Action.OpenUrl", "Action.ShowCard", "Action.ToggleVisibility"];
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "Incidents", "TestData");

    private static IncidentMessage Trigger(string summary = "PAGE: gateway-availability on component:default/payment-gateway") => new("trigger",
        new Incident
        {
            Title = "gateway-availability on component:default/payment-gateway", ComponentRef = "component:default/payment-gateway", Severity = "page",
            SloName = "gateway-availability", Runbook = "https://runbooks.example/gw", TriggeredAt = new DateTimeOffset(2026, 11, 20, 10, 1, 10, TimeSpan.Zero),
            OnCall = "ana.silva", Dependents = ["component:default/order-service"],
        },
        "group:default/payments", summary, Explanation,
        new Dictionary<string, string> { ["slo"] = "gateway-availability", ["windows"] = "1h and 5m", ["threshold"] = "14.4", ["budgetRemaining"] = "93.10%" },
        Link);

    [Fact]
    public void Teams_message_has_the_documented_webhook_shape_with_an_adaptive_card_carrying_the_slo_burn_rates_and_links()
    {
        using var documented = JsonDocument.Parse(File.ReadAllText(Path.Combine(Data, "teams-incoming-webhook-adaptive-card.json")));
        var example = documented.RootElement;
        var teams = JsonSerializer.SerializeToElement(TeamsCard.Message(Trigger()));

        Assert.Equal(example.GetProperty("type").GetString(), teams.GetProperty("type").GetString());
        var attachment = Assert.Single(teams.GetProperty("attachments").EnumerateArray());
        var documentedAttachment = example.GetProperty("attachments")[0];
        Assert.Equal(documentedAttachment.GetProperty("contentType").GetString(), attachment.GetProperty("contentType").GetString());
        Assert.Equal(JsonValueKind.Null, attachment.GetProperty("contentUrl").ValueKind);
        var card = attachment.GetProperty("content");
        foreach (var key in new[] { "$schema", "type", "version" })
        {
            Assert.Equal(documentedAttachment.GetProperty("content").GetProperty(key).GetString(), card.GetProperty(key).GetString());
        }
        // Adaptive Card 1.2 elements, and only the actions the documentation says webhooks support.
        Assert.All(card.GetProperty("body").EnumerateArray(), e => Assert.Contains(e.GetProperty("type").GetString(), CardElements));
        Assert.All(card.GetProperty("actions").EnumerateArray(), a => Assert.Contains(a.GetProperty("type").GetString(), WebhookActions));

        var texts = card.GetProperty("body").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "TextBlock")
            .Select(e => e.GetProperty("text").GetString()).ToList();
        Assert.Equal("Incident opened (page)", texts[0]);
        Assert.Contains(Explanation, texts);
        var facts = card.GetProperty("body").EnumerateArray().Single(e => e.GetProperty("type").GetString() == "FactSet").GetProperty("facts")
            .EnumerateArray().ToDictionary(f => f.GetProperty("title").GetString()!, f => f.GetProperty("value").GetString());
        Assert.Equal(("gateway-availability", "14.4", "1h and 5m", "ana.silva (layer 1)", "group:default/payments"),
            (facts["SLO"], facts["threshold"], facts["windows"], facts["On call"], facts["Team"]));
        Assert.Equal([Link, "https://runbooks.example/gw"], card.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("url").GetString()));
    }

    [Fact]
    public void Opsgenie_create_request_fits_the_create_alert_payload_of_opsgenies_openapi_description()
    {
        var definitions = Yaml("opsgenie-alert-definitions.yaml");
        var (allowed, required) = Properties(definitions, "CreateAlertPayload");
        var priorities = ((YamlSequenceNode)Find(definitions["CreateAlertPayload"], "priority")["enum"]).Select(n => n.ToString()).ToList();

        var request = OpsgenieAlert.Request("http://127.0.0.1:9/v2/alerts", "genie-key-123", Trigger());
        Assert.Equal(("http://127.0.0.1:9/v2/alerts", "GenieKey genie-key-123"), (request.Url, request.Authorization));
        Assert.True(PathOf(request.Url) is var path && Yaml("opsgenie-alert-paths.yaml").Children.ContainsKey(new YamlScalarNode(path)), path);
        var body = JsonSerializer.SerializeToElement(request.Body);
        var names = body.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Empty(names.Except(allowed));
        Assert.Empty(required.Except(names));
        Assert.Contains(body.GetProperty("priority").GetString(), priorities);
        Assert.Equal("P1", body.GetProperty("priority").GetString());
        Assert.All(body.GetProperty("details").EnumerateObject(), d => Assert.Equal(JsonValueKind.String, d.Value.ValueKind));
        Assert.All(body.GetProperty("tags").EnumerateArray(), t => Assert.Equal(JsonValueKind.String, t.ValueKind));

        // The alias deduplicates: one Opsgenie alert per portal incident.
        Assert.StartsWith("portal-incident-", body.GetProperty("alias").GetString(), StringComparison.Ordinal);
        var description = body.GetProperty("description").GetString()!;
        Assert.Contains(Explanation, description, StringComparison.Ordinal);
        Assert.Contains("Runbook: https://runbooks.example/gw", description, StringComparison.Ordinal);
        Assert.Contains($"Incident in Portal: {Link}", description, StringComparison.Ordinal);
        var details = body.GetProperty("details");
        Assert.Equal(("gateway-availability", "14.4", "1h and 5m", "https://runbooks.example/gw", Link),
            (details.GetProperty("SLO").GetString(), details.GetProperty("threshold").GetString(), details.GetProperty("windows").GetString(),
                details.GetProperty("Runbook").GetString(), details.GetProperty("Incident").GetString()));
        Assert.Equal("component:default/payment-gateway", body.GetProperty("entity").GetString());
    }

    [Theory]
    [InlineData("acknowledge", "/v2/alerts/{identifier}/acknowledge", "AcknowledgeAlertPayload")]
    [InlineData("resolve", "/v2/alerts/{identifier}/close", "CloseAlertPayload")]
    [InlineData("escalate", "/v2/alerts/{identifier}/notes", "AddNoteToAlertPayload")]
    public void Opsgenie_follow_ups_name_the_alert_by_its_alias_on_the_documented_paths(string action, string documentedPath, string payload)
    {
        var message = Trigger() with { Action = action };
        message.Incident.AcknowledgedBy = message.Incident.ResolvedBy = "ana.silva";
        var request = OpsgenieAlert.Request("http://127.0.0.1:9/v2/alerts/", "genie-key-123", message);

        var paths = Yaml("opsgenie-alert-paths.yaml");
        var operation = (YamlMappingNode)((YamlMappingNode)paths[documentedPath])["post"];
        Assert.Contains("#/parameters/AlertIdentifierType", operation.ToString(), StringComparison.Ordinal);
        var identifierTypes = ((YamlSequenceNode)((YamlMappingNode)Yaml("opsgenie-alert-parameters.yaml")["AlertIdentifierType"])["enum"]).Select(n => n.ToString());
        var uri = new Uri(request.Url);
        Assert.Equal(documentedPath.Replace("{identifier}", $"portal-incident-{message.Incident.Id}", StringComparison.Ordinal), uri.AbsolutePath);
        Assert.Equal("?identifierType=alias", uri.Query);
        Assert.Contains("alias", identifierTypes);
        Assert.Equal("GenieKey genie-key-123", request.Authorization);

        var (allowed, required) = Properties(Yaml("opsgenie-alert-definitions.yaml"), payload);
        var body = JsonSerializer.SerializeToElement(request.Body);
        Assert.Empty(body.EnumerateObject().Select(p => p.Name).Except(allowed));
        Assert.Empty(required.Except(body.EnumerateObject().Select(p => p.Name)));
        Assert.Contains(Link, body.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Opsgenie_message_is_cut_to_its_documented_130_characters()
    {
        var body = JsonSerializer.SerializeToElement(OpsgenieAlert.Request("http://x/v2/alerts", "k", Trigger(new string('x', 400))).Body);
        Assert.Equal(130, body.GetProperty("message").GetString()!.Length);
    }

    [Fact]
    public void Email_has_a_sorting_subject_text_and_escaped_html_with_the_links_and_threads_the_follow_ups()
    {
        var trigger = Trigger("PAGE: <b>gateway</b> & co");
        using var opened = IncidentMail.Compose(trigger, "Portal <incidents@northwind.example>", ["oncall@northwind.example", "payments@northwind.example"]);
        Assert.Equal("[PAGE] Incident opened: PAGE: <b>gateway</b> & co", opened.Subject);
        Assert.Equal(["oncall@northwind.example", "payments@northwind.example"], opened.To.Mailboxes.Select(m => m.Address));
        foreach (var expected in new[] { Explanation, "SLO: gateway-availability", "threshold: 14.4", "windows: 1h and 5m", $"Incident in Portal: {Link}",
                     "Runbook: https://runbooks.example/gw", "On call: ana.silva (layer 1)" })
        {
            Assert.Contains(expected, opened.TextBody, StringComparison.Ordinal);
        }
        Assert.Contains("&lt;b&gt;gateway&lt;/b&gt; &amp; co", opened.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>gateway", opened.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{Link}\">", opened.HtmlBody, StringComparison.Ordinal);

        using var resolved = IncidentMail.Compose(trigger with { Action = "resolve" }, "incidents@northwind.example", ["oncall@northwind.example"]);
        Assert.StartsWith("[PAGE] Incident resolved:", resolved.Subject, StringComparison.Ordinal);
        Assert.Equal(opened.MessageId, resolved.InReplyTo);
        Assert.Contains(opened.MessageId, resolved.References);
        // Round trip through MIME, as a mail server would store it.
        using var stream = new MemoryStream();
        opened.WriteTo(stream);
        stream.Position = 0;
        using var parsed = MimeMessage.Load(stream);
        Assert.Equal(opened.Subject, parsed.Subject);
        Assert.Contains(Link, parsed.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public void A_ticket_incident_raised_to_page_reads_as_a_raise_in_every_format_and_reaches_the_same_vendor_alert()
    {
        var raise = Trigger() with { Action = "raise" };
        const string Heading = "Incident raised from ticket to page (page)";
        Assert.StartsWith(Heading, JsonSerializer.SerializeToElement(IncidentPayloads.SlackMessage(raise)).GetProperty("text").GetString(), StringComparison.Ordinal);
        var card = JsonSerializer.SerializeToElement(TeamsCard.Message(raise)).GetProperty("attachments")[0].GetProperty("content");
        Assert.Equal(Heading, card.GetProperty("body")[0].GetProperty("text").GetString());
        // PagerDuty: a trigger with the incident's dedup key (the same alert as the ticket's), critical, saying raised.
        var pagerDuty = JsonSerializer.SerializeToElement(IncidentPayloads.PagerDutyEvent("key", raise));
        Assert.Equal(("trigger", IncidentPayloads.DedupKey(raise.Incident), "critical"), (pagerDuty.GetProperty("event_action").GetString(),
            pagerDuty.GetProperty("dedup_key").GetString(), pagerDuty.GetProperty("payload").GetProperty("severity").GetString()));
        Assert.StartsWith("RAISED to page: ", pagerDuty.GetProperty("payload").GetProperty("summary").GetString(), StringComparison.Ordinal);
        // Opsgenie: a create with the same alias at P1 (new for a pages-only receiver, deduplicated for one that had the P3 alert).
        var opsgenie = OpsgenieAlert.Request("https://api.opsgenie.com/v2/alerts", "k", raise);
        var body = JsonSerializer.SerializeToElement(opsgenie.Body);
        Assert.Equal(("https://api.opsgenie.com/v2/alerts", IncidentPayloads.DedupKey(raise.Incident), "P1"),
            (opsgenie.Url, body.GetProperty("alias").GetString(), body.GetProperty("priority").GetString()));
        Assert.StartsWith("Raised from ticket to page", body.GetProperty("note").GetString(), StringComparison.Ordinal);
        // E-mail: in the thread the ticket's opening started, not a new one.
        using var mail = IncidentMail.Compose(raise, "incidents@northwind.example", ["oncall@northwind.example"]);
        Assert.StartsWith("[PAGE] Incident raised from ticket to page:", mail.Subject, StringComparison.Ordinal);
        Assert.Equal($"{IncidentPayloads.DedupKey(raise.Incident)}@portal", mail.InReplyTo);
        Assert.Equal("incident.raise", JsonSerializer.SerializeToElement(IncidentPayloads.Request(new IncidentReceiver { Url = "http://x", Format = "json" }, raise).Body)
            .GetProperty("event").GetString());
    }

    private static YamlMappingNode Yaml(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Data, file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    // Property names and required names of a definition, through its allOf parts.
    private static (HashSet<string> Allowed, HashSet<string> Required) Properties(YamlMappingNode definitions, string name)
    {
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal);
        void Visit(YamlMappingNode node)
        {
            if (node.Children.TryGetValue(new YamlScalarNode("$ref"), out var reference))
            {
                Visit((YamlMappingNode)definitions[reference.ToString().Split('/')[^1]]);
            }
            if (node.Children.TryGetValue(new YamlScalarNode("properties"), out var properties))
            {
                allowed.UnionWith(((YamlMappingNode)properties).Children.Keys.Select(k => k.ToString().Trim()));
            }
            if (node.Children.TryGetValue(new YamlScalarNode("required"), out var names))
            {
                required.UnionWith(((YamlSequenceNode)names).Select(n => n.ToString()));
            }
            if (node.Children.TryGetValue(new YamlScalarNode("allOf"), out var parts))
            {
                foreach (var part in (YamlSequenceNode)parts)
                {
                    Visit((YamlMappingNode)part);
                }
            }
        }
        Visit((YamlMappingNode)definitions[name]);
        return (allowed, required);
    }

    // A property's schema anywhere in a definition's allOf parts.
    private static YamlMappingNode Find(YamlNode definition, string property) =>
        definition.AllNodes.OfType<YamlMappingNode>().Select(m => m.Children.TryGetValue(new YamlScalarNode(property), out var p) ? p as YamlMappingNode : null)
            .First(p => p is not null)!;

    private static string PathOf(string url) => new Uri(url).AbsolutePath;
}
