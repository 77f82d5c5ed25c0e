using System.Text.Json;
using Tuf.Client;
using Tuf.Client.Registry;
using Tuf.Internal;

namespace Tuf.Rollout.Swarm;

/// <summary>
/// The TUF-backed image source: a fresh <see cref="Updater"/> per resolution runs the whole client workflow (root
/// chain, timestamp, snapshot, targets, delegations; signatures, versions, expiry) and looks the target up. The
/// target is an image tag as <c>tuf repo add-image</c> and Docker Content Trust sign it: length and sha256 of the
/// manifest, <c>custom.image</c> naming the repository. Nothing is downloaded from the TUF repository itself.
/// </summary>
public sealed class UpdaterImageSource : IVerifiedImageSource
{
    private readonly RepositorySource _source;
    private readonly ImageReference _groupImage;
    private readonly IFetcher? _fetcher;
    private readonly UpdaterOptions? _options;

    /// <summary>Creates the source for one group's image repository.</summary>
    /// <param name="source">Repository URLs, trusted metadata folder and bootstrap root.</param>
    /// <param name="groupImage">The image repository the group runs (targets naming another are refused).</param>
    /// <param name="fetcher">Transport (tests); HTTP by default.</param>
    /// <param name="options">Client limits and clock.</param>
    public UpdaterImageSource(RepositorySource source, ImageReference groupImage, IFetcher? fetcher = null, UpdaterOptions? options = null)
    {
        _source = source;
        _groupImage = groupImage;
        _fetcher = fetcher;
        _options = options;
    }

    /// <inheritdoc/>
    public async Task<VerifiedImage> ResolveAsync(string targetPath, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(_source.MetadataDirectory);
        byte[]? bootstrap = null;
        if (!File.Exists(Path.Combine(_source.MetadataDirectory, "root.json")))
        {
            if (_source.RootFile is null)
            {
                throw new RolloutException($"no trusted root in {_source.MetadataDirectory}: pass --root");
            }

            bootstrap = await File.ReadAllBytesAsync(_source.RootFile, cancellationToken).ConfigureAwait(false);
        }

        using var updater = new Updater(_source.MetadataDirectory, new Uri(_source.MetadataUrl), null, new Uri(_source.TargetsUrl), bootstrap, _fetcher, _options);
        await updater.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var info = await updater.GetTargetInfoAsync(targetPath, cancellationToken).ConfigureAwait(false)
            ?? throw TargetNotFoundException.For(targetPath);
        if (!info.Hashes.TryGetValue("sha256", out var sha256) || !ImageReference.IsDigest("sha256:" + sha256))
        {
            throw new RolloutException($"target {ErrorText.Untrusted(targetPath)} lists no sha256 of a manifest: not an image tag (sign one with 'tuf repo add-image')");
        }

        string image = _groupImage.Name;
        if (info.UnrecognizedFields.TryGetValue("custom", out var custom) && custom.ValueKind == JsonValueKind.Object
            && custom.TryGetProperty("image", out var named) && named.ValueKind == JsonValueKind.String)
        {
            ImageReference signed;
            try
            {
                signed = ImageReference.Parse(named.GetString()!);
            }
            catch (FormatException ex)
            {
                throw new RolloutException($"target {ErrorText.Untrusted(targetPath)}: custom.image is not an image name ({ex.Message})");
            }

            if (signed.Name != _groupImage.Name)
            {
                throw new RolloutException($"target {ErrorText.Untrusted(targetPath)} is signed for image {ErrorText.Untrusted(signed.Name)}, but the group runs {_groupImage.Name}");
            }
        }

        return new VerifiedImage(targetPath, image, "sha256:" + sha256, info.Length);
    }
}
