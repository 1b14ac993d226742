using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Portal.Web.Features.Inbox;

/// <summary>
/// One notification in one person's inbox (the bell in the app bar), addressed by their catalog User ref. A broadcast
/// is one message per person known at the time it is sent.
/// </summary>
public sealed class InboxMessage
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string UserRef { get; set; }
    public required string Title { get; set; }
    public string? Info { get; set; }
    public string? Link { get; set; }

    /// <summary>low, normal, high or critical (Backstage's severities).</summary>
    public string Severity { get; set; } = InboxSeverity.Normal;

    /// <summary>
    /// A message sent again with the same scope by the same <see cref="Sender"/> replaces the earlier one and is unread
    /// again (as in Backstage); another sender's message with that scope is a message of its own.
    /// </summary>
    public string? Scope { get; set; }

    /// <summary>Who owns the scope: the template that sent it (<c>template:default/x</c>); null for messages from before senders were kept.</summary>
    public string? Sender { get; set; }

    /// <summary>What sent it, e.g. "template:default/new-service (task 0190…)".</summary>
    public required string Origin { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}

internal sealed class InboxMessageConfiguration : IEntityTypeConfiguration<InboxMessage>
{
    public void Configure(EntityTypeBuilder<InboxMessage> builder)
    {
        builder.ToTable("inbox_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.UserRef).HasMaxLength(400);
        builder.Property(m => m.Title).HasMaxLength(InboxSender.MaxTitle);
        builder.Property(m => m.Info).HasMaxLength(InboxSender.MaxInfo);
        builder.Property(m => m.Link).HasMaxLength(InboxSender.MaxLink);
        builder.Property(m => m.Severity).HasMaxLength(10);
        builder.Property(m => m.Scope).HasMaxLength(InboxSender.MaxScope);
        builder.Property(m => m.Sender).HasMaxLength(InboxSender.MaxSender);
        builder.Property(m => m.Origin).HasMaxLength(400);
        builder.HasIndex(m => new { m.UserRef, m.ReadAt });
        builder.HasIndex(m => new { m.UserRef, m.Scope });
        // InboxWatcher reads what arrived since its last look.
        builder.HasIndex(m => m.CreatedAt);
    }
}
