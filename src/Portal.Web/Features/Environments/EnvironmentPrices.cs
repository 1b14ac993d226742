using System.ComponentModel.DataAnnotations;

namespace Portal.Web.Features.Environments;

/// <summary>Unit prices the cost estimate multiplies a tier by (per month).</summary>
public sealed class EnvironmentPrices
{
    [Range(0, 1_000_000)] public decimal CpuCoreMonth { get; set; } = 24.00m;
    [Range(0, 1_000_000)] public decimal MemoryGiMonth { get; set; } = 3.20m;
    [Range(0, 1_000_000)] public decimal StorageGiMonth { get; set; } = 0.10m;
    [Required] public string Currency { get; set; } = "USD";
}
