namespace Portal.Web.Features.Environments;

public enum RunKind { Provision, Teardown }
