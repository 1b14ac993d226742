using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Incidents;

/// <summary>
/// Where a person is paged when they are on call: an e-mail address (none set: their catalog profile's e-mail) and a
/// personal webhook (a Slack DM or Teams chat webhook, or any JSON receiver) in one of the receiver formats. Not secret,
/// but a webhook URL is checked against <see cref="OnCallContactRules"/> when saved and again when it is called.
/// </summary>
public sealed class OnCallContact
{
    /// <summary>The user name schedules list (<c>ana.silva</c>).</summary>
    public required string UserName { get; set; }
    public string? Email { get; set; }

    /// <summary><c>slack</c>, <c>teams</c> or <c>json</c>, with <see cref="WebhookUrl"/>; null: no personal webhook.</summary>
    public string? WebhookFormat { get; set; }
    public string? WebhookUrl { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public required string UpdatedBy { get; set; }
}

internal sealed class OnCallContactConfiguration : IEntityTypeConfiguration<OnCallContact>
{
    public void Configure(EntityTypeBuilder<OnCallContact> builder)
    {
        builder.ToTable("oncall_contacts");
        builder.HasKey(c => c.UserName);
        builder.Property(c => c.UserName).HasMaxLength(200);
        builder.Property(c => c.Email).HasMaxLength(OnCallContactRules.MaxEmail);
        builder.Property(c => c.WebhookFormat).HasMaxLength(20);
        builder.Property(c => c.WebhookUrl).HasMaxLength(OnCallContactRules.MaxUrl);
        builder.Property(c => c.UpdatedBy).HasMaxLength(200);
    }
}
