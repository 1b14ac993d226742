using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NJsonSchema.CodeGeneration.CSharp;
using NSwag.CodeGeneration.CSharp;
using NSwag.CodeGeneration.OperationNameGenerators;

namespace Portal.IntegrationTests.Api;

/// <summary>
/// A client author's path: generate a C# client (NSwag) from the document the running portal serves, compile it, and
/// call the portal with it. The generated names are the ones a person would write.
/// </summary>
public sealed class GeneratedClientTests(RunningPortal portal) : IClassFixture<RunningPortal>
{
    private const string Namespace = "Portal.GeneratedClient";

    [Fact]
    public async Task A_client_generated_from_the_document_queries_the_catalog_requests_an_environment_and_creates_a_token()
    {
        var code = await GenerateAsync();
        var client = Compile(code);

        // Method names read naturally: one client per tag, one method per operation.
        foreach (var (type, method) in new[] { ("CatalogClient", "ListEntitiesAsync"), ("CatalogClient", "GetEntityAsync"), ("EnvironmentsClient", "RequestEnvironmentAsync"),
            ("IdentityClient", "CreateTokenAsync"), ("SLOsClient", "ListSlosAsync"), ("CostClient", "ImportCostsAsync") })
        {
            Assert.True(client.GetType($"{Namespace}.{type}")?.GetMethods().Any(m => m.Name == method) == true, $"the generated client has no {type}.{method}");
        }

        // A token call: an admin makes a service token that may read the catalog.
        using var adminHttp = portal.Client();
        var identity = New(client, "IdentityClient", adminHttp);
        var request = New(client, "CreateTokenRequest");
        Set(request, "Name", "generated-client");
        Set(request, "Kind", Enum.Parse(client.GetType($"{Namespace}.ApiTokenKind")!, "Service"));
        Set(request, "Scopes", new List<string> { "catalog:read" });
        var created = await CallAsync(identity, "CreateTokenAsync", ("request", request), ("body", request));
        var token = (string)Get(created!, "Token")!;
        Assert.StartsWith("ptk_", token, StringComparison.Ordinal);

        // A catalog query with the new token, through the shared filter parameter.
        using var readerHttp = portal.Client(token);
        var catalog = New(client, "CatalogClient", readerHttp);
        var page = await CallAsync(catalog, "ListEntitiesAsync", ("filter", new List<string> { "kind=component" }), ("limit", 5));
        Assert.Equal(41, Convert.ToInt32(Get(page!, "TotalItems"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(5, ((System.Collections.ICollection)Get(page!, "Items")!).Count);

        // An environment request that breaks the policy: the 422 arrives as a typed validation problem with the field map.
        var environments = New(client, "EnvironmentsClient", adminHttp);
        var problem = await Assert.ThrowsAnyAsync<Exception>(() => CallAsync(environments, "RequestEnvironmentAsync", ("body", New(client, "EnvironmentRequest"))));
        Assert.Equal(422, (int)Get(problem, "StatusCode")!);
        var result = Get(problem, "Result")!;
        Assert.Equal("ValidationProblemDetails", result.GetType().Name);
        var errors = (System.Collections.IDictionary)Get(result, "Errors")!;
        Assert.True(errors.Contains("name"), string.Join(", ", errors.Keys.Cast<string>()));
    }

    private async Task<string> GenerateAsync()
    {
        var document = await NSwag.OpenApiDocument.FromJsonAsync(await portal.DocumentAsync());
        var settings = new CSharpClientGeneratorSettings
        {
            ClassName = "{controller}Client",
            UseBaseUrl = false,
            GenerateOptionalParameters = true,
            GenerateClientInterfaces = false,
            OperationNameGenerator = new MultipleClientsFromFirstTagAndOperationIdGenerator(),
            CSharpGeneratorSettings = { Namespace = Namespace, JsonLibrary = CSharpJsonLibrary.SystemTextJson },
        };
        return new CSharpClientGenerator(document, settings).GenerateFile();
    }

    private static Assembly Compile(string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Portal.GeneratedClient", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (!emitted.Success)
        {
            var saved = Path.Combine(Path.GetTempPath(), "portal-generated-client.cs");
            File.WriteAllText(saved, code);
            Assert.Fail($"The generated client ({saved}) does not compile:\n{string.Join('\n', errors.Take(20))}");
        }
        stream.Position = 0;
        return new AssemblyLoadContext("generated-client", isCollectible: true).LoadFromStream(stream);
    }

    private static object New(Assembly assembly, string type, params object[] args) =>
        Activator.CreateInstance(assembly.GetType($"{Namespace}.{type}") ?? throw new InvalidOperationException($"The client has no type {type}."), args)!;

    private static void Set(object target, string property, object? value) =>
        (target.GetType().GetProperty(property) ?? throw new InvalidOperationException($"{target.GetType().Name} has no {property}")).SetValue(target, value);

    private static object? Get(object target, string property) =>
        (target.GetType().GetProperty(property) ?? throw new InvalidOperationException($"{target.GetType().Name} has no {property}")).GetValue(target);

    /// <summary>Calls the overload with a CancellationToken, naming the arguments it has; the others keep their defaults.</summary>
    private static async Task<object?> CallAsync(object client, string method, params (string Name, object? Value)[] args)
    {
        var info = client.GetType().GetMethods().Where(m => m.Name == method).OrderByDescending(m => m.GetParameters().Length).First();
        var values = info.GetParameters().Select(p => args.FirstOrDefault(a => a.Name == p.Name) is { Name: not null } given ? given.Value
            : p.ParameterType == typeof(CancellationToken) ? CancellationToken.None : p.HasDefaultValue ? p.DefaultValue : null).ToArray();
        var task = (Task)info.Invoke(client, values)!;
        await task;
        return task.GetType().GetProperty("Result")?.GetValue(task);
    }
}
