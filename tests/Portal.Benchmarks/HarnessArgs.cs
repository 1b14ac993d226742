using System.Globalization;

namespace Portal.Benchmarks;

/// <summary>The harnesses' <c>--name value</c> options.</summary>
public static class HarnessArgs
{
    public static int Number(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
