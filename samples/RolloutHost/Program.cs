// Rolls a TUF-verified release across this host's own local instances, two at a time, with health gates and an
// automatic rollback, through the Tuf.Rollout API (the same engine as `tuf rollout start`).
// Usage: RolloutHost GROUP_JSON METADATA_URL TARGETS_URL ROOT_JSON TARGET
using Tuf.Rollout;
using Tuf.Rollout.Local;

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: RolloutHost GROUP_JSON METADATA_URL TARGETS_URL ROOT_JSON TARGET");
    return 2;
}

GroupFile group = GroupFile.Load(args[0]);
var repository = new RepositorySource(args[1], args[2], Path.Combine(group.StateDirectory, "tuf"), Path.GetFullPath(args[3]));

// 1. Verify through TUF before touching any instance.
var source = new UpdaterArtifactSource(repository, Path.Combine(group.StateDirectory, "downloads"));
VerifiedArtifact artifact = await source.ResolveAsync(args[4]);
Console.WriteLine($"verified {artifact.TargetPath}: {artifact.Length} bytes, sha256 {artifact.Sha256}");

// 2. Roll it out: batches of two, each instance healthy for 1 s before the next batch; roll back on failure.
var settings = new RolloutSettings(
    Update: new RolloutStrategy { Parallelism = 2, Monitor = TimeSpan.FromSeconds(1), FailureAction = FailureAction.Rollback },
    Rollback: new RolloutStrategy { Parallelism = 0 });
var updater = new RollingUpdater(new LocalInstanceProvider(group), group.StateDirectory,
    onProgress: p => Console.WriteLine(p.Instance is null ? p.Message : $"{p.Instance}: {p.Message}"));
RolloutJournal journal = await updater.StartAsync(artifact, settings, repository);

Console.WriteLine(RollingUpdater.Describe(journal.State));
return journal.State.Phase == RolloutPhase.Completed ? 0 : 1;
