namespace Portal.Web.Features.Environments;

/// <summary>What a team's existing environments already take (excluding the one being decided).</summary>
public sealed record TeamUsage(int Environments, decimal Cpu, decimal MemoryGi);
