using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Web.Data;
using Portal.Web.Features.Catalog;
using Portal.Web.Features.Catalog.Ingestion;
using Portal.Web.Features.Identity;

namespace Portal.Web.Features.Demo;

/// <summary>
/// A realistic fictional organisation ("Northwind Commerce") seeded on the first embedded start,
/// so a new install has something to look at. Never seeded in production.
/// </summary>
public static class DemoOrganisation
{
    public const string SeededSettingKey = "demo-organisation-seeded";

    private sealed record Team(string Name, string DisplayName, string Email, string[] Members);
    private sealed record SystemDef(string Name, string Title, string Owner, string Domain, string Description);
    private sealed record ComponentDef(string Name, string Type, string Lifecycle, string System, string Description,
        string[] Provides, string[] Consumes, string[] DependsOn, string[] Tags);
    private sealed record ApiDef(string Name, string Type, string Lifecycle, string System, string Description);
    private sealed record ResourceDef(string Name, string Type, string System, string Description);

    private static readonly Team[] Teams =
    [
        new("payments", "Payments", "payments@northwind.example", ["ana.silva", "ben.okafor", "chen.wei"]),
        new("checkout", "Checkout", "checkout@northwind.example", ["dana.kim", "eli.novak", "farah.haddad"]),
        new("search", "Search & Discovery", "search@northwind.example", ["gus.moreau", "hana.sato", "ivan.petrov"]),
        new("identity", "Identity & Accounts", "identity@northwind.example", ["jo.tanaka", "kofi.mensah", "lena.fischer"]),
        new("data", "Data Platform", "data@northwind.example", ["maya.rossi", "nils.berg", "omar.aziz"]),
        new("platform", "Developer Platform", "platform@northwind.example", ["priya.nair", "quinn.oconnor", "rosa.garcia"]),
    ];

    private static readonly (string Name, string Title, string Owner, string Description)[] Domains =
    [
        ("commerce", "Commerce", "checkout", "Everything between a visitor finding a product and paying for it."),
        ("customer", "Customer", "identity", "Customer accounts, sign-in, preferences and messages."),
        ("platform", "Platform", "platform", "Shared infrastructure, data and tooling used by every team."),
    ];

    private static readonly SystemDef[] Systems =
    [
        new("payments", "Payments", "payments", "commerce", "Card and wallet payments, refunds and payouts."),
        new("checkout", "Checkout", "checkout", "commerce", "Cart, pricing and order placement."),
        new("product-discovery", "Product discovery", "search", "commerce", "Product catalogue, search and recommendations."),
        new("customer-accounts", "Customer accounts", "identity", "customer", "Sign-up, sign-in, profiles and consent."),
        new("notifications", "Notifications", "identity", "customer", "E-mail, SMS and push messages to customers."),
        new("data-pipeline", "Data pipeline", "data", "platform", "Event ingestion, warehouse loads and reporting."),
        new("observability", "Observability", "platform", "platform", "Metrics, logs, traces and alerting for all services."),
        new("developer-platform", "Developer platform", "platform", "platform", "CI/CD, environments and the developer portal."),
    ];

    private static readonly ComponentDef[] Components =
    [
        new("payment-gateway", "service", "production", "payments", "Authorises and captures card payments with the acquirers.", ["payments-api"], ["fraud-api"], ["resource:payments-db", "resource:payment-events"], ["dotnet", "pci"]),
        new("refund-service", "service", "production", "payments", "Issues full and partial refunds.", ["refunds-api"], ["payments-api"], ["resource:payments-db"], ["dotnet"]),
        new("fraud-scoring", "service", "production", "payments", "Scores each payment for fraud risk in under 50 ms.", ["fraud-api"], [], ["resource:fraud-feature-store"], ["python", "ml"]),
        new("payout-scheduler", "service", "experimental", "payments", "Batches merchant payouts every night.", [], ["payments-api"], ["resource:payments-db"], ["dotnet", "batch"]),
        new("wallet-adapter", "service", "production", "payments", "Apple Pay and Google Pay integration.", [], ["payments-api"], [], ["dotnet"]),
        new("cart-service", "service", "production", "checkout", "Keeps shopping carts across devices.", ["cart-api"], ["product-api"], ["resource:cart-cache"], ["dotnet"]),
        new("pricing-engine", "service", "production", "checkout", "Computes prices, discounts and taxes.", ["pricing-api"], ["product-api"], ["resource:pricing-db"], ["dotnet"]),
        new("order-service", "service", "production", "checkout", "Places orders and tracks their state.", ["orders-api"], ["payments-api", "cart-api", "pricing-api"], ["resource:orders-db", "resource:order-events"], ["dotnet"]),
        new("checkout-web", "website", "production", "checkout", "The checkout pages customers see.", [], ["cart-api", "orders-api", "accounts-api"], [], ["typescript", "react"]),
        new("promotions-service", "service", "deprecated", "checkout", "Legacy vouchers; replaced by the pricing engine.", [], ["pricing-api"], [], ["java"]),
        new("product-service", "service", "production", "product-discovery", "Source of truth for products and stock.", ["product-api"], [], ["resource:products-db"], ["dotnet"]),
        new("search-indexer", "service", "production", "product-discovery", "Indexes product changes into the search cluster.", [], ["product-api"], ["resource:search-cluster", "resource:order-events"], ["go"]),
        new("search-api-service", "service", "production", "product-discovery", "Query service behind the search box.", ["search-api"], [], ["resource:search-cluster"], ["go"]),
        new("recommendations", "service", "experimental", "product-discovery", "Personalised product recommendations.", ["recommendations-api"], ["product-api"], ["resource:fraud-feature-store"], ["python", "ml"]),
        new("storefront-web", "website", "production", "product-discovery", "The public web shop.", [], ["search-api", "product-api", "recommendations-api", "cart-api"], [], ["typescript", "react"]),
        new("accounts-service", "service", "production", "customer-accounts", "Customer profiles and addresses.", ["accounts-api"], [], ["resource:accounts-db"], ["dotnet"]),
        new("auth-service", "service", "production", "customer-accounts", "OpenID Connect sign-in for customers.", ["auth-api"], ["accounts-api"], ["resource:accounts-db", "resource:session-cache"], ["dotnet", "security"]),
        new("consent-service", "service", "production", "customer-accounts", "Records marketing and privacy consent.", [], ["accounts-api"], ["resource:accounts-db"], ["dotnet", "gdpr"]),
        new("account-web", "website", "production", "customer-accounts", "The 'My account' pages.", [], ["accounts-api", "auth-api"], [], ["typescript"]),
        new("identity-sdk", "library", "production", "customer-accounts", "Client library for services that verify customer tokens.", [], ["auth-api"], [], ["dotnet", "library"]),
        new("email-sender", "service", "production", "notifications", "Sends transactional e-mail.", ["notifications-api"], [], ["resource:notification-queue"], ["dotnet"]),
        new("sms-sender", "service", "production", "notifications", "Sends SMS through two providers with fail-over.", [], ["notifications-api"], ["resource:notification-queue"], ["dotnet"]),
        new("push-gateway", "service", "experimental", "notifications", "Mobile push notifications.", [], ["notifications-api"], ["resource:notification-queue"], ["kotlin"]),
        new("template-renderer", "library", "production", "notifications", "Renders message templates in 14 languages.", [], [], [], ["dotnet", "library"]),
        new("preference-center", "website", "production", "notifications", "Lets customers choose what they receive.", [], ["notifications-api", "accounts-api"], [], ["typescript"]),
        new("event-collector", "service", "production", "data-pipeline", "Receives click-stream events from the web shop.", ["events-api"], [], ["resource:order-events"], ["go"]),
        new("warehouse-loader", "service", "production", "data-pipeline", "Loads events into the warehouse every 15 minutes.", [], ["events-api"], ["resource:warehouse"], ["python"]),
        new("reporting-jobs", "service", "production", "data-pipeline", "Nightly finance and sales reports.", [], [], ["resource:warehouse"], ["python", "batch"]),
        new("feature-pipeline", "service", "experimental", "data-pipeline", "Computes ML features for fraud and recommendations.", [], ["events-api"], ["resource:fraud-feature-store", "resource:warehouse"], ["python", "ml"]),
        new("data-catalog", "website", "production", "data-pipeline", "Browse warehouse tables and their owners.", [], [], ["resource:warehouse"], ["python"]),
        new("metrics-gateway", "service", "production", "observability", "OTLP gateway in front of the metrics store.", ["telemetry-api"], [], [], ["go", "otel"]),
        new("log-shipper", "service", "production", "observability", "Ships container logs to the log store.", [], [], [], ["go"]),
        new("alert-router", "service", "production", "observability", "Routes alerts to on-call rotations.", [], ["telemetry-api"], [], ["go"]),
        new("status-page", "website", "production", "observability", "Public status page.", [], ["telemetry-api"], [], ["typescript"]),
        new("tracing-collector", "service", "experimental", "observability", "Tail-sampling trace collector.", [], ["telemetry-api"], [], ["go", "otel"]),
        new("ci-runners", "service", "production", "developer-platform", "Autoscaled CI runners.", [], [], [], ["kubernetes"]),
        new("deploy-controller", "service", "production", "developer-platform", "GitOps controller that rolls out releases.", ["deployments-api"], [], [], ["go", "kubernetes"]),
        new("env-provisioner", "service", "production", "developer-platform", "Creates and tears down environments.", [], ["deployments-api"], [], ["terraform"]),
        new("service-templates", "library", "production", "developer-platform", "Golden-path templates for new services.", [], [], [], ["dotnet", "templates"]),
        new("portal", "website", "production", "developer-platform", "This developer portal; its own requests feed its SLOs.", [], [], [], ["dotnet"]),
        new("feature-flags", "service", "production", "developer-platform", "Feature flag evaluation service.", ["flags-api"], [], ["resource:flags-db"], ["dotnet"]),
    ];

    private static readonly ApiDef[] Apis =
    [
        new("payments-api", "openapi", "production", "payments", "Authorise, capture and void payments."),
        new("refunds-api", "openapi", "production", "payments", "Create and query refunds."),
        new("fraud-api", "grpc", "production", "payments", "Fraud score for a payment."),
        new("cart-api", "openapi", "production", "checkout", "Read and change shopping carts."),
        new("pricing-api", "grpc", "production", "checkout", "Price a basket."),
        new("orders-api", "openapi", "production", "checkout", "Place and track orders."),
        new("product-api", "openapi", "production", "product-discovery", "Products, variants and stock."),
        new("search-api", "openapi", "production", "product-discovery", "Full-text product search."),
        new("recommendations-api", "openapi", "experimental", "product-discovery", "Recommended products for a customer."),
        new("accounts-api", "openapi", "production", "customer-accounts", "Customer profiles."),
        new("auth-api", "openapi", "production", "customer-accounts", "OpenID Connect endpoints."),
        new("notifications-api", "asyncapi", "production", "notifications", "Notification requests on the message bus."),
        new("events-api", "asyncapi", "production", "data-pipeline", "Click-stream events."),
        new("telemetry-api", "grpc", "production", "observability", "OTLP metrics, logs and traces."),
        new("deployments-api", "openapi", "production", "developer-platform", "Trigger and follow deployments."),
        new("flags-api", "openapi", "production", "developer-platform", "Evaluate feature flags."),
    ];

    private static readonly ResourceDef[] Resources =
    [
        new("payments-db", "database", "payments", "PostgreSQL 16, payments ledger."),
        new("payment-events", "queue", "payments", "Kafka topic of payment state changes."),
        new("fraud-feature-store", "database", "payments", "Redis feature store for fraud and recommendation models."),
        new("cart-cache", "cache", "checkout", "Redis cluster holding carts."),
        new("pricing-db", "database", "checkout", "PostgreSQL 16, price lists and promotions."),
        new("orders-db", "database", "checkout", "PostgreSQL 16, orders."),
        new("order-events", "queue", "checkout", "Kafka topic of order events."),
        new("products-db", "database", "product-discovery", "PostgreSQL 16, products and stock."),
        new("search-cluster", "search-index", "product-discovery", "OpenSearch cluster, 6 nodes."),
        new("accounts-db", "database", "customer-accounts", "PostgreSQL 16, customer accounts."),
        new("session-cache", "cache", "customer-accounts", "Redis for sign-in sessions."),
        new("notification-queue", "queue", "notifications", "RabbitMQ queue of outgoing messages."),
        new("warehouse", "data-warehouse", "data-pipeline", "Analytics warehouse."),
        new("flags-db", "database", "developer-platform", "PostgreSQL 16, feature flag rules."),
    ];

    /// <summary>All descriptors of the demo organisation, as Backstage YAML would parse them.</summary>
    public static IReadOnlyList<JsonObject> Descriptors()
    {
        var list = new List<JsonObject>();
        var systemOwner = Systems.ToDictionary(s => s.Name, s => s.Owner);

        list.Add(Entity("Group", "northwind", "Northwind Commerce", "The whole engineering organisation.",
            new JsonObject { ["type"] = "organization", ["profile"] = new JsonObject { ["displayName"] = "Northwind Commerce" }, ["children"] = Array(Teams.Select(t => t.Name)) }));
        foreach (var team in Teams)
        {
            list.Add(Entity("Group", team.Name, team.DisplayName, $"The {team.DisplayName} team.", new JsonObject
            {
                ["type"] = "team",
                ["parent"] = "northwind",
                ["profile"] = new JsonObject { ["displayName"] = team.DisplayName, ["email"] = team.Email },
                ["children"] = new JsonArray(),
                ["members"] = Array(team.Members),
            }));
            foreach (var member in team.Members)
            {
                var display = string.Join(' ', member.Split('.').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
                list.Add(Entity("User", member, null, null, new JsonObject
                {
                    ["profile"] = new JsonObject { ["displayName"] = display, ["email"] = $"{member}@northwind.example" },
                    ["memberOf"] = Array([team.Name]),
                }));
            }
        }
        foreach (var (name, title, owner, description) in Domains)
        {
            list.Add(Entity("Domain", name, title, description, new JsonObject { ["owner"] = owner }));
        }
        foreach (var system in Systems)
        {
            list.Add(Entity("System", system.Name, system.Title, system.Description,
                new JsonObject { ["owner"] = system.Owner, ["domain"] = system.Domain }));
        }
        foreach (var c in Components)
        {
            var entity = Entity("Component", c.Name, null, c.Description, new JsonObject
            {
                ["type"] = c.Type,
                ["lifecycle"] = c.Lifecycle,
                ["owner"] = systemOwner[c.System],
                ["system"] = c.System,
                ["providesApis"] = Array(c.Provides),
                ["consumesApis"] = Array(c.Consumes),
                ["dependsOn"] = Array(c.DependsOn),
            }, c.Tags);
            var metadata = entity["metadata"]!.AsObject();
            metadata["annotations"] = new JsonObject
            {
                ["github.com/project-slug"] = $"northwind/{c.Name}",
                ["backstage.io/source-location"] = $"url:https://git.northwind.example/northwind/{c.Name}/",
            };
            metadata["links"] = new JsonArray(
                Link($"https://git.northwind.example/northwind/{c.Name}", "Repository", "github"),
                Link($"https://runbooks.northwind.example/{c.Name}", "Runbook", "docs"),
                Link($"https://grafana.northwind.example/d/{c.Name}", "Dashboard", "dashboard"));
            list.Add(entity);
        }
        foreach (var api in Apis)
        {
            list.Add(Entity("API", api.Name, null, api.Description, new JsonObject
            {
                ["type"] = api.Type,
                ["lifecycle"] = api.Lifecycle,
                ["owner"] = systemOwner[api.System],
                ["system"] = api.System,
                ["definition"] = ApiDefinition(api),
            }));
        }
        foreach (var resource in Resources)
        {
            list.Add(Entity("Resource", resource.Name, null, resource.Description, new JsonObject
            {
                ["type"] = resource.Type,
                ["owner"] = systemOwner[resource.System],
                ["system"] = resource.System,
            }));
        }
        return list;
    }

    /// <summary>
    /// Seeds the organisation once per database, the way a real one arrives: as catalog-info.yaml
    /// files in <paramref name="directory"/>, registered as a file location. Later starts leave it alone.
    /// </summary>
    public static async Task<bool> SeedAsync(PortalDbContext db, LocationReader reader, CatalogOptions options, TimeProvider time, string directory,
        CancellationToken cancellationToken)
    {
        if (await db.Settings.AnyAsync(s => s.Key == SeededSettingKey, cancellationToken)
            || await CatalogReads.Entities(db).AnyAsync(cancellationToken))
        {
            return false;
        }
        var root = WriteFiles(directory);
        var outcome = await CatalogLocations.RegisterAsync(db, reader, options, time, AuditActor.System, LocationRegistrant.System,
            new RegisterLocationRequest("file", root, null, null), dryRun: false, cancellationToken);
        if (outcome.Errors.Count > 0)
        {
            throw new InvalidOperationException("The demo organisation did not import: " + string.Join(" ", outcome.Errors.SelectMany(e => e.Value)));
        }
        db.Settings.Add(new PortalSetting { Key = SeededSettingKey, Value = root, UpdatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Writes one YAML file per kind and a root Location that lists them; returns the root's path.</summary>
    public static string WriteFiles(string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new List<string>();
        foreach (var group in Descriptors().GroupBy(d => d["kind"]!.GetValue<string>()))
        {
            var file = $"{group.Key.ToLowerInvariant()}s.yaml";
            File.WriteAllText(Path.Combine(directory, file), string.Join("---\n", group.Select(DescriptorYaml.ToYaml)));
            files.Add("./" + file);
        }
        var location = new JsonObject
        {
            ["apiVersion"] = "backstage.io/v1alpha1",
            ["kind"] = "Location",
            ["metadata"] = new JsonObject { ["name"] = "northwind-demo", ["description"] = "The demo organisation seeded on the first embedded start." },
            ["spec"] = new JsonObject { ["targets"] = Array(files) },
        };
        var root = Path.Combine(directory, "catalog-info.yaml");
        File.WriteAllText(root, DescriptorYaml.ToYaml(location));
        return root;
    }

    private static JsonObject Entity(string kind, string name, string? title, string? description, JsonObject spec, string[]? tags = null)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = EntityRef.DefaultNamespace };
        if (title is not null)
        {
            metadata["title"] = title;
        }
        if (description is not null)
        {
            metadata["description"] = description;
        }
        if (tags is { Length: > 0 })
        {
            metadata["tags"] = Array(tags);
        }
        return new JsonObject
        {
            ["apiVersion"] = "backstage.io/v1alpha1",
            ["kind"] = kind,
            ["metadata"] = metadata,
            ["spec"] = spec,
        };
    }

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());

    private static JsonObject Link(string url, string title, string icon) =>
        new() { ["url"] = url, ["title"] = title, ["icon"] = icon };

    private static string OpenApi(ApiDef api)
    {
        var resource = api.Name.Replace("-api", "", StringComparison.Ordinal);
        return $$"""
            openapi: 3.0.3
            info:
              title: {{api.Name}}
              version: 1.0.0
              description: {{api.Description}}
            paths:
              /v1/{{resource}}:
                get:
                  summary: List {{resource}}
                post:
                  summary: Create one of {{resource}}
              /v1/{{resource}}/{id}:
                get:
                  summary: Read one of {{resource}}
                delete:
                  summary: Remove one of {{resource}}
            """;
    }

    private static string ApiDefinition(ApiDef api) => api.Type switch
    {
        "openapi" => OpenApi(api),
        "asyncapi" => $"asyncapi: 2.6.0\ninfo:\n  title: {api.Name}\n  version: 1.0.0\nchannels: {{}}\n",
        _ => $"syntax = \"proto3\";\n// {api.Description}\npackage northwind.{api.Name.Replace('-', '_')};\n",
    };
}
