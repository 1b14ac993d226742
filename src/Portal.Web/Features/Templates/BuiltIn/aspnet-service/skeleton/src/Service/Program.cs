using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Service;

var builder = WebApplication.CreateBuilder(args);

builder.AddTelemetry();
builder.Services.AddProblemDetails();
// Checks tagged "ready" (a database, a queue) decide readiness; liveness runs none.
builder.Services.AddHealthChecks();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();

app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

var info = new ServiceInfo(Telemetry.ServiceName(app.Configuration), Telemetry.ServiceVersion);

app.MapGet("/", () => TypedResults.Ok(info));
app.MapGet("/hello/{name}", (string name) => TypedResults.Ok(new Greeting($"Hello, {name}!")));

app.Run();

internal sealed record ServiceInfo(string Service, string Version);

internal sealed record Greeting(string Message);

// Lets the tests start the app with WebApplicationFactory<Program>.
public partial class Program;
