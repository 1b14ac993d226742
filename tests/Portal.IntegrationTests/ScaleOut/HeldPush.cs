using Portal.TestSupport;

namespace Portal.IntegrationTests.ScaleOut;

/// <summary>
/// A git <c>post-receive</c> hook that holds pushes (after the repository accepted them) until the test lets go, so a
/// replica can be killed mid-push. It counts every push and, for the first, notes the processes it runs under: the
/// pushing replica is among them.
/// </summary>
public sealed class HeldPush
{
    private readonly string _reached;
    private readonly string _release;
    private readonly string _pushes;

    public HeldPush(string directory)
    {
        _reached = Path.Combine(directory, "push-reached");
        _release = Path.Combine(directory, "push-release");
        _pushes = Path.Combine(directory, "pushes");
    }

    /// <summary>Writes the hook into <paramref name="hooksDirectory"/> (a repository's own, or a global <c>core.hooksPath</c>).</summary>
    public void WriteHook(string hooksDirectory)
    {
        Directory.CreateDirectory(hooksDirectory);
        var hook = Path.Combine(hooksDirectory, "post-receive");
        File.WriteAllText(hook, $$"""
            #!/bin/sh
            echo push >> '{{_pushes}}'
            if [ ! -f '{{_reached}}' ]; then
              p=$$; while [ "$p" -gt 1 ]; do echo $p; p=$(awk '/^PPid:/ {print $2}' /proc/$p/status); done > '{{_reached}}.tmp'
              mv '{{_reached}}.tmp' '{{_reached}}'
            fi
            while [ ! -f '{{_release}}' ]; do sleep 0.1; done

            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>A global git config (for <c>GIT_CONFIG_GLOBAL</c>) whose hooks are this hook, for every repository.</summary>
    public string GlobalGitConfig(string directory)
    {
        var hooks = Path.Combine(directory, "hooks");
        WriteHook(hooks);
        var config = Path.Combine(directory, "gitconfig");
        File.WriteAllText(config, $"[core]\n\thooksPath = {hooks}\n");
        return config;
    }

    public bool Reached => File.Exists(_reached);

    /// <summary>Pushes the repositories received so far (held or not).</summary>
    public int Pushes => File.Exists(_pushes) ? File.ReadAllLines(_pushes).Length : 0;

    /// <summary>The replica whose push is held.</summary>
    public async Task<int> PusherAsync(PortalReplicas replicas)
    {
        var ancestry = (await File.ReadAllLinesAsync(_reached)).Select(int.Parse).ToHashSet();
        return Enumerable.Range(0, replicas.Count).Single(i => ancestry.Contains(replicas[i].ProcessId));
    }

    /// <summary>Lets the held push (and any later one) finish.</summary>
    public void Release() => File.WriteAllText(_release, "");
}
