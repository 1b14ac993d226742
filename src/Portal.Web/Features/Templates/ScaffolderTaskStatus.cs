namespace Portal.Web.Features.Templates;

public static class ScaffolderTaskStatus
{
    public const string Open = "open";
    public const string Processing = "processing";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsFinished(string status) => status is Completed or Failed or Cancelled;
}
