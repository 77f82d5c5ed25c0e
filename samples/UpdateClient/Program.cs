// Refreshes a TUF repository, downloads one verified target and prints it.
// Usage: UpdateClient METADATA_URL TARGETS_URL ROOT_JSON TARGET [STATE_DIR]
using Tuf;
using Tuf.Client;

if (args.Length < 4)
{
    Console.Error.WriteLine("usage: UpdateClient METADATA_URL TARGETS_URL ROOT_JSON TARGET [STATE_DIR]");
    return 2;
}

string state = args.Length > 4 ? args[4] : Path.Combine(Path.GetTempPath(), "update-client");
using var updater = new Updater(
    metadataDirectory: Path.Combine(state, "metadata"),
    metadataBaseUrl: new Uri(args[0]),
    targetDirectory: Path.Combine(state, "targets"),
    targetBaseUrl: new Uri(args[1]),
    bootstrapRoot: File.ReadAllBytes(args[2]));

try
{
    await updater.RefreshAsync(CancellationToken.None);
    VerifiedTarget target = await updater.DownloadVerifiedAsync(args[3], CancellationToken.None);
    Console.WriteLine($"verified {target.Info.Path} ({target.Info.Length} bytes, sha256 {target.Info.Hashes["sha256"]})");
    Console.WriteLine(File.ReadAllText(target.LocalPath));
    return 0;
}
catch (DownloadException e)
{
    Console.Error.WriteLine($"cannot reach the repository, try again later: {e.Message}");
    return 1;
}
catch (RepositoryException e)
{
    Console.Error.WriteLine($"refusing the update: {e.Message}");
    return 1;
}
