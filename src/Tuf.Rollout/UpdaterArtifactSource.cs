using System.Security.Cryptography;

using Tuf.Client;
using Tuf.Internal;

namespace Tuf.Rollout;

/// <summary>
/// The TUF-backed artifact source: a fresh <see cref="Updater"/> per resolution refreshes trusted metadata (root
/// rotation, timestamp, snapshot, targets, delegations), looks the target up and downloads it verified (or reuses a
/// verified cached copy). Every <see cref="TufException"/> propagates: the rollout does not start.
/// </summary>
public sealed class UpdaterArtifactSource : IVerifiedArtifactSource
{
    private readonly RepositorySource _source;
    private readonly string _downloadDirectory;
    private readonly IFetcher? _fetcher;
    private readonly UpdaterOptions? _options;

    /// <param name="source">Repository URLs, trusted metadata folder and bootstrap root.</param>
    /// <param name="downloadDirectory">Where verified targets are kept.</param>
    /// <param name="fetcher">Transport (tests pass a simulator); HTTP by default.</param>
    /// <param name="options">Client limits and clock.</param>
    public UpdaterArtifactSource(RepositorySource source, string downloadDirectory, IFetcher? fetcher = null, UpdaterOptions? options = null)
    {
        _source = source;
        _downloadDirectory = Path.GetFullPath(downloadDirectory);
        _fetcher = fetcher;
        _options = options;
    }

    /// <inheritdoc />
    public async Task<VerifiedArtifact> ResolveAsync(string targetPath, CancellationToken cancellationToken = default)
    {
        // Nothing is created before the trusted root is known to exist.
        byte[]? bootstrap = null;
        if (!File.Exists(Path.Combine(_source.MetadataDirectory, "root.json")))
        {
            if (_source.RootFile is null)
            {
                throw new RolloutException($"no trusted root in {_source.MetadataDirectory}: pass --root");
            }

            bootstrap = await File.ReadAllBytesAsync(_source.RootFile, cancellationToken).ConfigureAwait(false);
        }

        Directory.CreateDirectory(_source.MetadataDirectory);
        Directory.CreateDirectory(_downloadDirectory);

        using var updater = new Updater(_source.MetadataDirectory, new Uri(_source.MetadataUrl), _downloadDirectory, new Uri(_source.TargetsUrl),
            bootstrap, _fetcher, _options);
        await updater.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var verified = await updater.DownloadVerifiedAsync(targetPath, cancellationToken).ConfigureAwait(false);

        // The client checked length and every listed hash; the rollout names releases by sha256, so compute it from the
        // verified bytes (and insist it equals the signed one when the metadata lists sha256).
        string sha256;
        var stream = new FileStream(verified.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            if (stream.Length != verified.Info.Length)
            {
                throw new LengthOrHashMismatchException($"target {ErrorText.Untrusted(targetPath)} changed on disk after verification");
            }

            sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }

        if (verified.Info.Hashes.TryGetValue("sha256", out var signed) && !ReleaseManifest.HashEquals(sha256, signed))
        {
            throw new LengthOrHashMismatchException($"target {ErrorText.Untrusted(targetPath)} changed on disk after verification");
        }

        return new VerifiedArtifact(targetPath, verified.LocalPath, verified.Info.Length, sha256);
    }
}
