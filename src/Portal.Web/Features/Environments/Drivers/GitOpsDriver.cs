using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Portal.Web.Infrastructure.Git;

namespace Portal.Web.Features.Environments.Drivers;

/// <summary>
/// The default driver: commits an environment's manifests to a GitOps repository that Argo CD or
/// Flux syncs. Idempotent by construction: the folder is rewritten whole and a commit is made only
/// when the tree differs from the remote, so a run repeated after a crash finds nothing to commit.
/// </summary>
public sealed class GitOpsDriver(IOptions<EnvironmentsOptions> options, ILogger<GitOpsDriver> logger) : IEnvironmentDriver
{
    public const string DriverName = "gitops";

    // One writer per repository in this process; other replicas are handled by push-retry.
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Checkouts known to equal their remote branch (only touched under <see cref="Gate"/>).</summary>
    private static readonly HashSet<string> InSync = new(StringComparer.Ordinal);

    public string Name => DriverName;

    private GitOpsOptions GitOps => options.Value.GitOps;

    public string RepositoryUrl => string.IsNullOrWhiteSpace(GitOps.RepositoryUrl)
        ? Path.Combine(options.Value.ResolveWorkDirectory(), "gitops.git")
        : GitOps.RepositoryUrl;

    public async Task<IReadOnlyDictionary<string, string>> ProvisionAsync(EnvironmentSpec environment, IRunLog log, CancellationToken cancellationToken)
    {
        var folder = GitOpsManifests.Folder(GitOps.Cluster, environment.Name);
        var files = GitOpsManifests.Render(environment, GitOps.TeamRole);
        await log.InfoAsync("render", $"Rendered {files.Count} manifests for namespace {environment.Name} into {folder}/.", cancellationToken);
        var commit = await CommitAsync(environment, folder, files, "Provision", log, cancellationToken);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["namespace"] = environment.Name,
            ["repository"] = RepositoryUrl,
            ["branch"] = GitOps.Branch,
            ["path"] = folder,
            ["commit"] = commit,
        };
    }

    public async Task TeardownAsync(EnvironmentSpec environment, IRunLog log, CancellationToken cancellationToken)
    {
        var folder = GitOpsManifests.Folder(GitOps.Cluster, environment.Name);
        await CommitAsync(environment, folder, null, "Tear down", log, cancellationToken);
    }

    /// <summary>Makes the folder hold exactly <paramref name="files"/> (or nothing) on the branch, in at most one commit.</summary>
    private async Task<string> CommitAsync(EnvironmentSpec env, string folder, IReadOnlyDictionary<string, string>? files, string verb,
        IRunLog log, CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            var checkout = await CheckoutAsync(cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                // After this process's own successful push the checkout already equals the remote, so the
                // fetch is skipped (it is the costly part when many environments queue up); after a start,
                // a failure or a rejected push it is brought back to the remote first.
                if (!InSync.Contains(checkout))
                {
                    await Git(checkout, cancellationToken, "fetch", "--quiet", "origin", GitOps.Branch);
                    await Git(checkout, cancellationToken, "reset", "--quiet", "--hard", $"origin/{GitOps.Branch}");
                    await Git(checkout, cancellationToken, "clean", "-fdxq");
                    InSync.Add(checkout);
                }
                var target = Path.Combine(checkout, folder);
                if (Directory.Exists(target))
                {
                    Directory.Delete(target, recursive: true);
                }
                if (files is not null)
                {
                    Directory.CreateDirectory(target);
                    foreach (var (name, content) in files)
                    {
                        await File.WriteAllTextAsync(Path.Combine(target, name), content, cancellationToken);
                    }
                }
                await Git(checkout, cancellationToken, "add", "-A", "--", ".");
                var pending = await Git(checkout, cancellationToken, "status", "--porcelain");
                if (pending.Length == 0)
                {
                    var head = (await Git(checkout, cancellationToken, "rev-parse", "HEAD")).Trim();
                    await log.InfoAsync("commit", $"{RepositoryUrl} already has {folder} as it should be (commit {head[..12]}); nothing to commit.", cancellationToken);
                    return head;
                }
                await Git(checkout, cancellationToken,
                    "-c", $"user.name={GitOps.AuthorName}", "-c", $"user.email={GitOps.AuthorEmail}",
                    "commit", "--quiet", "-m", GitOpsManifests.CommitMessage(verb, env));
                var commit = (await Git(checkout, cancellationToken, "rev-parse", "HEAD")).Trim();
                try
                {
                    await Git(checkout, cancellationToken, "push", "--quiet", "origin", $"HEAD:refs/heads/{GitOps.Branch}");
                }
                catch (GitException ex) when (attempt < 5)
                {
                    InSync.Remove(checkout);
                    // Another writer (a second replica) pushed first: start again from its commit.
                    logger.LogInformation("GitOps push of {Environment} was rejected ({Error}); retrying", env.Name, ex.Message);
                    await log.WarningAsync("commit", "The repository moved on while committing; committing again on top of it.", cancellationToken);
                    continue;
                }
                await log.InfoAsync("commit", $"{verb}: committed {commit[..12]} to {RepositoryUrl} ({GitOps.Branch}), folder {folder}/.", cancellationToken);
                return commit;
            }
        }
        catch (GitException ex)
        {
            InSync.Clear();
            throw new TransientDriverException(ex.Message, ex);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
            InSync.Clear(); // a half-written folder must not be taken for the remote's state
            throw;
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<string> CheckoutAsync(CancellationToken cancellationToken)
    {
        var work = options.Value.ResolveWorkDirectory();
        Directory.CreateDirectory(work);
        await EnsureDefaultRepositoryAsync(cancellationToken);
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(RepositoryUrl)))[..16];
        var checkout = Path.Combine(work, "gitops-checkouts", key);
        if (!Directory.Exists(Path.Combine(checkout, ".git")))
        {
            if (Directory.Exists(checkout))
            {
                Directory.Delete(checkout, recursive: true);
            }
            Directory.CreateDirectory(Path.GetDirectoryName(checkout)!);
            await Git(work, cancellationToken, "clone", "--quiet", "--no-tags", "--branch", GitOps.Branch, "--", RepositoryUrl, checkout);
        }
        return checkout;
    }

    /// <summary>Creates the local bare repository (with a README commit) when no repository is configured.</summary>
    private async Task EnsureDefaultRepositoryAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(GitOps.RepositoryUrl) || Directory.Exists(RepositoryUrl))
        {
            return;
        }
        await CreateRepositoryAsync(RepositoryUrl, GitOps, cancellationToken);
        logger.LogInformation("Created the GitOps repository {Repository}", RepositoryUrl);
    }

    /// <summary>Creates a bare repository whose branch holds a README that documents the layout.</summary>
    public static async Task CreateRepositoryAsync(string bare, GitOpsOptions gitOps, CancellationToken cancellationToken)
    {
        var staging = bare + ".init-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(staging);
        try
        {
            await Git(staging, cancellationToken, "init", "--quiet", "-b", gitOps.Branch);
            await File.WriteAllTextAsync(Path.Combine(staging, "README.md"), $"""
                # GitOps repository of the developer portal

                The portal commits every environment's Kubernetes manifests here, one commit per change.

                    clusters/<cluster>/environments/<environment>/kustomization.yaml

                Point Argo CD (an ApplicationSet with a git directory generator over
                `clusters/{gitOps.Cluster}/environments/*`) or Flux (a Kustomization per folder) at it.
                """, cancellationToken);
            await Git(staging, cancellationToken, "add", "README.md");
            await Git(staging, cancellationToken, "-c", $"user.name={gitOps.AuthorName}", "-c", $"user.email={gitOps.AuthorEmail}",
                "commit", "--quiet", "-m", "Initialise the GitOps repository");
            await Git(staging, cancellationToken, "clone", "--quiet", "--bare", staging, bare + ".tmp");
            Directory.Move(bare + ".tmp", bare);
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static Task<string> Git(string directory, CancellationToken cancellationToken, params string[] args) =>
        GitCli.RunAsync(directory, cancellationToken, args);
}
