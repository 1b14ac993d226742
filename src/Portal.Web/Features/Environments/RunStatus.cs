namespace Portal.Web.Features.Environments;

public enum RunStatus { Queued, Running, Succeeded, Failed, Cancelled }
