using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf;
using Portal.TestSupport;
using Portal.Web.Features.Delivery;
using Portal.Web.Features.Identity;
using Portal.Web.Features.Slo;
using Portal.Web.Features.Slo.Ingestion;
using Portal.Web.Features.Slo.Otlp.Common;
using Portal.Web.Features.Slo.Otlp.Metrics;

namespace Portal.IntegrationTests.Delivery;

/// <summary>
/// The error-budget gate on real SLO data: the order service's last hour of traffic (sent through the OTLP receiver)
/// is half errors, so its availability SLO's budget is spent and its fast-burn page condition holds; the cart
/// service's traffic is clean.
/// </summary>
public sealed class DeliveryGateTests(DeliveryGateTests.Fixture fixture) : IClassFixture<DeliveryGateTests.Fixture>
{
    private static readonly string[] Page = ["page"];
    private static readonly string[] Sms = ["sms"];
    private static readonly string[] Prod = ["prod"];
    private static readonly string[] ProdAndStaging = ["prod", "staging"];
    private static readonly string[] ProdNames = ["prod", "production"];
    private readonly PortalAppFactory factory = fixture.Factory;
    private string _ci => fixture.CiToken;

    /// <summary>The portal with the two SLOs and their traffic, set up once for the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public PortalAppFactory Factory { get; } = new();
        public string CiToken { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await Factory.SeedDemoAsync();
            CiToken = await DeliveryKit.ServiceTokenAsync(Factory, "deploy-job", [PortalScopes.DeliveryWrite]);
            var (_, ingest) = await Factory.UserWithTokenAsync("ingest-gate", roles: [PortalRoles.Admin], scopes: [PortalScopes.SloIngest]);
            using var admin = Factory.AdminClient();
            foreach (var component in new[] { "order-service", "cart-service" })
            {
                var created = await admin.PostAsJsonAsync("/api/slos", new
                {
                    name = "availability", component, indicator = "availability", target = 0.99m, window = new { kind = "rolling", days = 28 },
                });
                Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            }
            using var client = Factory.ClientWithToken(ingest);
            var now = SloMath.MinuteOf(DateTimeOffset.UtcNow);
            foreach (var (component, errors) in new[] { ("order-service", 50L), ("cart-service", 0L) })
            {
                var content = new ByteArrayContent(Export(component, Enumerable.Range(1, 60).Select(i => now.AddMinutes(-i)), 100, errors).ToByteArray());
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(new Uri("/v1/metrics", UriKind.Relative), content)).StatusCode);
            }
        }

        public async Task DisposeAsync() => await Factory.DisposeAsync();
    }

    private async Task<GateAnswer> GateAsync(string component, string environment, string? change = null)
    {
        using var ci = factory.ClientWithToken(_ci);
        var response = await ci.GetAsync(new Uri($"/api/delivery/gate?component={component}&environment={environment}{(change is null ? "" : "&change=" + change)}", UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<GateAnswer>(JsonSerializerOptions.Web))!;
    }

    [Fact]
    public async Task A_component_whose_budget_is_exhausted_is_denied_with_the_reason_and_an_override_allows_it_with_an_audit_record()
    {
        var denied = await GateAsync("order-service", "prod");
        Assert.False(denied.Allowed);
        Assert.Equal("deny", denied.Decision);
        var exhausted = Assert.Single(denied.Reasons, r => r.Kind == "budget-exhausted");
        Assert.Equal("availability", exhausted.Slo);
        Assert.Contains("error budget is exhausted", exhausted.Message, StringComparison.Ordinal);
        Assert.Contains(denied.Reasons, r => r.Kind == "alert-firing" && r.Message.Contains("page", StringComparison.Ordinal));
        Assert.Equal("breached", Assert.Single(denied.Slos).Status);

        // The clean component and a non-production environment pass.
        Assert.True((await GateAsync("cart-service", "prod")).Allowed);
        Assert.Equal("not-gated", (await GateAsync("order-service", "staging")).Reasons.Single().Kind);

        // Only admins override; the override is audited when it is made and each time it lets a deployment through.
        var (_, memberToken) = await factory.UserWithTokenAsync("dana.kim");
        using var member = factory.ClientWithToken(memberToken);
        var body = new { component = "order-service", environment = "prod", reason = "INC-42: the fix for the outage itself", hours = 2 };
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsJsonAsync("/api/delivery/gate/overrides", body)).StatusCode);
        using var admin = factory.AdminClient();
        var created = await admin.PostAsJsonAsync("/api/delivery/gate/overrides", body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var entry = await AuditAssert.RecordedAsync(factory, "delivery.gate.override.create", "component:default/order-service@prod", "bootstrap-admin-token");
        Assert.Contains("INC-42", entry.Changes!.RootElement.GetRawText(), StringComparison.Ordinal);

        var allowed = await GateAsync("order-service", "prod");
        Assert.True(allowed.Allowed);
        Assert.Equal("override", allowed.Reasons[0].Kind);
        Assert.Contains("INC-42", allowed.Reasons[0].Message, StringComparison.Ordinal);
        Assert.Contains(allowed.Reasons, r => r.Kind == "budget-exhausted"); // the deploy log still says what was overridden
        await AuditAssert.RecordedAsync(factory, "delivery.gate.override", "component:default/order-service@prod", "deploy-job");

        // Revoked: denied again.
        var id = (await created.Content.ReadFromJsonAsync<GateOverrideView>(JsonSerializerOptions.Web))!.Id;
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(new Uri($"/api/delivery/gate/overrides/{id}", UriKind.Relative))).StatusCode);
        await AuditAssert.RecordedAsync(factory, "delivery.gate.override.revoke", "component:default/order-service@prod", "bootstrap-admin-token");
        Assert.False((await GateAsync("order-service", "prod")).Allowed);
    }

    [Fact]
    public async Task The_policy_admins_set_decides_what_a_fix_and_a_page_may_do()
    {
        var fix = await GateAsync("order-service", "prod", "fix");
        Assert.True(fix.Allowed);
        Assert.Equal("fix-exception", fix.Reasons[0].Kind);
        Assert.Equal(["alert-firing", "budget-exhausted"], fix.Reasons.Skip(1).Select(r => r.Kind).Distinct().Order());

        using var admin = factory.AdminClient();
        var put = await admin.PutAsJsonAsync("/api/delivery/gate/policy", new
        {
            gatedEnvironments = ProdAndStaging, denyOnExhaustedBudget = true, denyOnAlertSeverities = Page, slos = Array.Empty<string>(), allowFixes = false,
        });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await AuditAssert.RecordedAsync(factory, "delivery.gate.policy.update", "delivery-gate-policy", "bootstrap-admin-token");
        try
        {
            Assert.False((await GateAsync("order-service", "prod", "fix")).Allowed);
            Assert.False((await GateAsync("order-service", "staging")).Allowed);

            var bad = await admin.PutAsJsonAsync("/api/delivery/gate/policy", new { gatedEnvironments = Prod, denyOnAlertSeverities = Sms });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal(["denyOnAlertSeverities"], await DeliveryKit.ProblemFieldsAsync(bad));
            using var ci = factory.ClientWithToken(_ci);
            Assert.Equal(HttpStatusCode.Forbidden, (await ci.PutAsJsonAsync("/api/delivery/gate/policy", new { gatedEnvironments = Array.Empty<string>() })).StatusCode);
            var bogus = await ci.GetAsync(new Uri("/api/delivery/gate?component=no-such-service&environment=prod", UriKind.Relative));
            Assert.Equal(["component"], await DeliveryKit.ProblemFieldsAsync(bogus));
        }
        finally
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/delivery/gate/policy", new
            {
                gatedEnvironments = ProdNames, denyOnExhaustedBudget = true, denyOnAlertSeverities = Page, allowFixes = true,
            })).StatusCode);
        }
    }

    /// <summary>One delta histogram point per minute and status, stamped mid-minute (as the SLO tests send them).</summary>
    private static Portal.Web.Features.Slo.Otlp.Collector.ExportMetricsServiceRequest Export(string service, IEnumerable<DateTimeOffset> minutes, long requests, long errors)
    {
        return OtlpExports.MinuteTraffic(service, minutes.Select(m => (m, requests, errors)), TimeSpan.FromSeconds(30));
    }
}
