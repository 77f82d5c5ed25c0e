namespace Tuf.Signing;

public sealed partial class RepositoryEditor
{
    /// <summary>
    /// The metadata files the last commit published: every root version, each targets role at its current version,
    /// and the snapshot unless a server signs it (never the timestamp of a repository whose timestamp a server signs).
    /// This is what an upload to a server is made of.
    /// </summary>
    /// <returns>Root versions in ascending order, then the other roles; empty before the first commit.</returns>
    public IReadOnlyList<PublishedMetadata> GetPublishedMetadata()
    {
        var result = new List<PublishedMetadata>();
        if (_publishedRoot is null)
        {
            return result;
        }

        for (long v = 1; v <= _publishedRoot.Signed.Version; v++)
        {
            string path = _layout.MetadataPath("root", v);
            if (File.Exists(path))
            {
                result.Add(new PublishedMetadata("root", v, path));
            }
        }

        if (_publishedSnapshot is null)
        {
            return result;
        }

        bool consistent = _publishedRoot.Signed.ConsistentSnapshot;
        foreach (var (file, meta) in _publishedSnapshot.Signed.Meta.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (!file.EndsWith(".json", StringComparison.Ordinal) || file == "root.json")
            {
                continue;
            }

            string role = file[..^5];
            result.Add(new PublishedMetadata(role, meta.Version, _layout.MetadataPath(role, consistent ? meta.Version : null)));
        }

        if (!IsServerSigned("snapshot"))
        {
            long v = _publishedSnapshot.Signed.Version;
            result.Add(new PublishedMetadata("snapshot", v, _layout.MetadataPath("snapshot", consistent ? v : null)));
        }

        return result;
    }

    /// <summary>Every target file the published targets roles list, with where its content is in the published tree.</summary>
    /// <returns>The targets, role by role.</returns>
    /// <exception cref="SigningException">A published targets file cannot be read.</exception>
    public IEnumerable<PublishedTarget> GetPublishedTargets()
    {
        bool consistent = _publishedRoot?.Signed.ConsistentSnapshot ?? true;
        foreach (var metadata in GetPublishedMetadata())
        {
            if (metadata.Role is "root" or "snapshot")
            {
                continue;
            }

            var targets = Parse<Targets>(metadata.FilePath).Signed;
            foreach (var (path, file) in targets.TargetFiles)
            {
                string? sha256 = file.Hashes.TryGetValue("sha256", out var h) ? h : null;
                if (consistent && sha256 is null)
                {
                    continue;
                }

                yield return new PublishedTarget(metadata.Role, file, _layout.TargetPath(path, consistent ? sha256 : null));
            }
        }
    }
}
