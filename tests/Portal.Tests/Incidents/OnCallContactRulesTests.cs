using System.Net;
using Portal.Web.Features.Incidents;

namespace Portal.Tests.Incidents;

/// <summary>Which personal webhooks and e-mail addresses a contact may have: public https only by default (no SSRF into the portal's network).</summary>
public sealed class OnCallContactRulesTests
{
    private static readonly OnCallContactsOptions Default = new();

    [Theory]
    [InlineData("https://hooks.slack.com/services/T000/B000/XXXX")]
    [InlineData("https://prod-12.westeurope.logic.azure.com/workflows/abc")]
    [InlineData("https://93.184.216.34/hook")]
    [InlineData("https://[2606:2800:220:1:248:1893:25c8:1946]/hook")]
    public void Public_https_urls_are_allowed(string url) => Assert.Null(OnCallContactRules.UrlProblem(url, Default));

    [Theory]
    [InlineData("http://hooks.slack.com/services/x", "https")]
    [InlineData("https://169.254.169.254/latest/meta-data/", "internal")]   // cloud metadata (link-local)
    [InlineData("https://10.0.0.5/hook", "internal")]
    [InlineData("https://172.20.1.1/hook", "internal")]
    [InlineData("https://192.168.1.10/hook", "internal")]
    [InlineData("https://100.64.0.1/hook", "internal")]                     // carrier-grade NAT
    [InlineData("https://0.0.0.0/hook", "internal")]
    [InlineData("https://[fd00::1]/hook", "internal")]                       // unique local
    [InlineData("https://[fe80::1]/hook", "internal")]                       // link-local
    [InlineData("https://[::ffff:10.0.0.1]/hook", "internal")]               // IPv4-mapped private
    [InlineData("https://127.0.0.1/hook", "loopback")]
    [InlineData("https://localhost/hook", "loopback")]
    [InlineData("https://api.localhost/hook", "loopback")]
    [InlineData("https://user:secret@hooks.example.com/x", "user name")]
    [InlineData("file:///etc/passwd", "absolute https")]
    [InlineData("hooks.example.com/x", "absolute https")]
    public void Internal_addresses_plain_http_and_credentials_are_refused(string url, string reason) =>
        Assert.Contains(reason, OnCallContactRules.UrlProblem(url, Default), StringComparison.Ordinal);

    [Fact]
    public void Loopback_and_private_addresses_are_allowed_only_when_configured()
    {
        var tests = new OnCallContactsOptions { AllowLoopback = true };
        Assert.Null(OnCallContactRules.UrlProblem("http://127.0.0.1:5123/hook/", tests));
        Assert.Contains("internal", OnCallContactRules.UrlProblem("https://10.0.0.5/hook", tests), StringComparison.Ordinal);
        var inside = new OnCallContactsOptions { AllowPrivateAddresses = true };
        Assert.Null(OnCallContactRules.UrlProblem("https://10.0.0.5/hook", inside));
        Assert.Contains("loopback", OnCallContactRules.UrlProblem("http://127.0.0.1/hook", inside), StringComparison.Ordinal);
        Assert.Contains("https", OnCallContactRules.UrlProblem("http://10.0.0.5/hook", inside), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("::ffff:192.168.0.1", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void The_connect_time_check_applies_the_same_rules_to_resolved_addresses(string address, bool allowed) =>
        Assert.Equal(allowed, OnCallContactRules.AddressAllowed(IPAddress.Parse(address), Default));

    [Fact]
    public void A_contact_needs_a_valid_address_and_a_webhook_url_with_its_format()
    {
        Assert.Empty(OnCallContactRules.Problems(new OnCallContactRequest(null, null, null), Default));
        Assert.Empty(OnCallContactRules.Problems(new OnCallContactRequest("ana.silva@northwind.example", "slack", "https://hooks.slack.com/services/x"), Default));
        Assert.Equal(["email"], OnCallContactRules.Problems(new OnCallContactRequest("not an address", null, null), Default).Keys);
        Assert.Equal(["email"], OnCallContactRules.Problems(new OnCallContactRequest("Ana <ana@northwind.example>", null, null), Default).Keys);
        Assert.Equal(["webhookUrl"], OnCallContactRules.Problems(new OnCallContactRequest(null, "slack", null), Default).Keys);
        Assert.Equal(["webhookUrl"], OnCallContactRules.Problems(new OnCallContactRequest(null, null, "https://hooks.slack.com/x"), Default).Keys);
        Assert.Contains("webhookFormat", OnCallContactRules.Problems(new OnCallContactRequest(null, "pagerduty", "https://events.pagerduty.com/v2/enqueue"), Default).Keys);
    }
}
