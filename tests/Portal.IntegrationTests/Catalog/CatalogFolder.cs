using System.Diagnostics;

namespace Portal.IntegrationTests.Catalog;

/// <summary>A temporary folder of descriptor files (and git repositories) for one test class, deleted afterwards.</summary>
public sealed class CatalogFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("catalog-").FullName;

    public void Dispose() => Directory.Delete(Root, recursive: true);

    /// <summary>Writes a file below the folder and returns its absolute path.</summary>
    public string Write(string relative, string content)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public static string Component(string name, string owner = "team-x", string extra = "") => $"""
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: {name}
        spec:
          type: service
          lifecycle: production
          owner: {owner}
        {extra}
        """;

    private static readonly string[] GitIdentity = ["-c", "user.name=Portal Tests", "-c", "user.email=tests@portal.example"];

    /// <summary>Runs the real git in <paramref name="dir"/> and fails the test if it fails.</summary>
    public static void Git(string dir, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in GitIdentity.Concat(args))
        {
            start.ArgumentList.Add(a);
        }
        using var p = Process.Start(start)!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
    }
}
