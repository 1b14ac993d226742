using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Portal.Web.Data;

namespace Portal.Web.Features.Templates;

/// <summary>A scaffolder run ("task"): a template, its values and where it got to.</summary>
public sealed class ScaffolderTask
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string TemplateRef { get; set; }
    public required string TemplateTitle { get; set; }

    /// <summary>The template entity as it was when the task was created (jsonb): later edits do not change a run.</summary>
    public required string TemplateDocument { get; set; }

    /// <summary>Where the template's file was read from; its skeleton is beside it.</summary>
    public string? TemplateSource { get; set; }

    /// <summary>The form's values as jsonb, secrets replaced by a mask.</summary>
    public required string Values { get; set; }

    /// <summary>Secret values, encrypted with ASP.NET Data Protection; cleared when the task finishes.</summary>
    public string? ProtectedSecrets { get; set; }

    public string Status { get; set; } = ScaffolderTaskStatus.Open;
    public List<TaskStepState> Steps { get; set; } = [];

    /// <summary>The rendered <c>spec.output</c> (links and text) as jsonb once the task completed.</summary>
    public string? Output { get; set; }
    public string? Error { get; set; }
    public required string CreatedBy { get; set; }

    /// <summary>The person's user id, the same whether they used the browser or one of their tokens.</summary>
    public string? CreatedByUserId { get; set; }
    public string? CreatedByUserRef { get; set; }

    /// <summary>
    /// The requester's teams and admin role when the task was created (from the trusted membership): a location
    /// the task registers may claim only these owners, since the run itself has no signed-in person.
    /// </summary>
    public string[] CreatedByTeams { get; set; } = [];
    public bool CreatedByAdmin { get; set; }

    /// <summary>Whether the template was written by a trusted source when the task was created (<see cref="TemplateDefinition.Trusted"/>).</summary>
    public bool TemplateTrusted { get; set; }

    /// <summary>The scopes of the token the task was created with (null: the browser): calls of the portal's API act with no more.</summary>
    public string[]? CreatedByScopes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public DateTimeOffset? HeartbeatAt { get; set; }

    /// <summary>How many times a worker took the task up; more than one means it was resumed.</summary>
    public int Attempts { get; set; }
    public bool CancelRequested { get; set; }
}

internal sealed class ScaffolderTaskConfiguration : IEntityTypeConfiguration<ScaffolderTask>, IEntityTypeConfiguration<ScaffolderLogLine>
{
    public void Configure(EntityTypeBuilder<ScaffolderTask> builder)
    {
        builder.ToTable("scaffolder_tasks");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.TemplateRef).HasMaxLength(400);
        builder.Property(t => t.TemplateTitle).HasMaxLength(400);
        builder.Property(t => t.TemplateDocument).HasColumnType("jsonb");
        builder.Property(t => t.Values).HasColumnType("jsonb");
        builder.Property(t => t.Output).HasColumnType("jsonb");
        builder.Property(t => t.Status).HasMaxLength(20);
        builder.Property(t => t.Steps).HasJsonConversion();
        builder.HasIndex(t => t.CreatedAt);
        builder.HasIndex(t => t.Status);
        builder.HasIndex(t => t.CreatedByUserId);
    }

    public void Configure(EntityTypeBuilder<ScaffolderLogLine> builder)
    {
        builder.ToTable("scaffolder_log_lines");
        builder.HasKey(l => l.Id);
        builder.HasIndex(l => new { l.TaskId, l.Id });
        builder.Property(l => l.Level).HasMaxLength(10);
        builder.Property(l => l.StepId).HasMaxLength(200);
    }
}
