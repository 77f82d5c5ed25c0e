using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using Tuf.Internal;

namespace Tuf.Rollout;

/// <summary>
/// The releases of one instance folder: <c>releases/{sha256}/</c> holds an unpacked verified artifact (with
/// <c>releases/{sha256}.manifest.json</c> listing what it must contain) and <c>current</c> is a symlink to the live one,
/// swapped atomically. Bytes are hashed again here, from the very buffer that is unpacked, so nothing unverified is installed.
/// </summary>
internal sealed class ReleaseStore
{
    /// <summary>Largest artifact installed (the verified length is checked first).</summary>
    public const long MaxArtifactLength = 1L << 30;

    /// <summary>Largest total size unpacked from an archive, and largest number of entries (archive bombs).</summary>
    public const long MaxUnpackedLength = 4L << 30;

    private const int MaxEntries = 100_000;

    public ReleaseStore(string instanceDirectory)
    {
        Root = Path.GetFullPath(instanceDirectory);
    }

    /// <summary>The instance folder.</summary>
    public string Root { get; }

    /// <summary>The <c>current</c> symlink.</summary>
    public string CurrentLink => Path.Combine(Root, "current");

    private string ReleasesDir => Path.Combine(Root, "releases");

    /// <summary>The folder of release <paramref name="sha256"/>.</summary>
    public string ReleaseDir(string sha256) => Path.Combine(ReleasesDir, sha256);

    private string ManifestPath(string sha256) => Path.Combine(ReleasesDir, sha256 + ".manifest.json");

    /// <summary>The sha256 of the live release, or null when nothing is installed.</summary>
    public string? GetCurrent()
    {
        var info = new FileInfo(CurrentLink);
        if (info.LinkTarget is not { } target)
        {
            return null;
        }

        var name = Path.GetFileName(target.TrimEnd('/'));
        return IsSha256(name) ? name : null;
    }

    /// <summary>
    /// Checks the artifact bytes against the verified length and sha256 and unpacks them into <c>releases/{sha256}</c>
    /// (replacing a release folder that no longer matches). Does not change <c>current</c>.
    /// </summary>
    /// <exception cref="LengthOrHashMismatchException">The bytes are not the verified ones.</exception>
    /// <exception cref="InvalidDataException">The archive is malformed or has an entry escaping the release folder.</exception>
    public ReleaseManifest Prepare(VerifiedArtifact artifact)
    {
        if (!IsSha256(artifact.Sha256))
        {
            throw new ArgumentException("artifact sha256 must be 64 lowercase hex digits", nameof(artifact));
        }

        var bytes = ReadVerified(artifact);
        Directory.CreateDirectory(ReleasesDir);
        var final = ReleaseDir(artifact.Sha256);
        var existing = LoadManifest(artifact.Sha256);
        if (existing is not null && existing.FindMismatch(final) is null)
        {
            return existing;
        }

        var temp = Path.Combine(ReleasesDir, $".{artifact.Sha256}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(temp);
        try
        {
            var entries = artifact.IsArchive ? UnpackArchive(bytes, temp) : [WriteSingleFile(bytes, temp, artifact.FileName)];
            var manifest = new ReleaseManifest(artifact.Sha256, entries.OrderBy(e => e.Path, StringComparer.Ordinal).ToList());
            DurableFile.Write(ManifestPath(artifact.Sha256), JsonSerializer.SerializeToUtf8Bytes(manifest, ReleaseManifestJsonContext.Default.ReleaseManifest));
            if (Directory.Exists(final))
            {
                // A damaged copy: move it aside first (the live symlink briefly dangles; callers repair stopped instances).
                var trash = Path.Combine(ReleasesDir, $".{artifact.Sha256}.{Guid.NewGuid():N}.old");
                Directory.Move(final, trash);
                Directory.Move(temp, final);
                DeleteTree(trash);
            }
            else
            {
                Directory.Move(temp, final);
            }

            return manifest;
        }
        catch
        {
            DeleteTree(temp);
            throw;
        }
    }

    /// <summary>Makes release <paramref name="sha256"/> live (atomic symlink swap) after checking it still matches its manifest.</summary>
    /// <exception cref="InvalidOperationException">The release is missing or was modified.</exception>
    public void Activate(string sha256)
    {
        if (FindMismatch(sha256) is { } problem)
        {
            throw new InvalidOperationException($"release {sha256[..12]} cannot go live: {problem}");
        }

        DurableFile.SwapSymlink(CurrentLink, Path.Combine("releases", sha256));
    }

    /// <summary>Removes the <c>current</c> symlink (an instance that had nothing installed before a rollout).</summary>
    public void Deactivate()
    {
        if (new FileInfo(CurrentLink).LinkTarget is not null)
        {
            File.Delete(CurrentLink);
        }
    }

    /// <summary>Null when release <paramref name="sha256"/> matches its manifest, else what differs.</summary>
    public string? FindMismatch(string sha256)
    {
        var manifest = LoadManifest(sha256);
        return manifest is null ? "no manifest (not installed by the rollout)" : manifest.FindMismatch(ReleaseDir(sha256));
    }

    private ReleaseManifest? LoadManifest(string sha256)
    {
        var path = ManifestPath(sha256);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var manifest = JsonSerializer.Deserialize(File.ReadAllBytes(path), ReleaseManifestJsonContext.Default.ReleaseManifest);
            return manifest is not null && manifest.ArtifactSha256 == sha256 ? manifest : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static byte[] ReadVerified(VerifiedArtifact artifact)
    {
        if (artifact.Length < 0 || artifact.Length > MaxArtifactLength)
        {
            throw new LengthOrHashMismatchException($"artifact {ErrorText.Untrusted(artifact.TargetPath)} length {artifact.Length} is out of bounds");
        }

        using var stream = new FileStream(artifact.LocalPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (stream.Length != artifact.Length)
        {
            throw new LengthOrHashMismatchException(
                $"artifact {ErrorText.Untrusted(artifact.TargetPath)} has {stream.Length} bytes, the verified length is {artifact.Length}");
        }

        var bytes = new byte[artifact.Length];
        stream.ReadExactly(bytes);
        if (stream.ReadByte() != -1 || !ReleaseManifest.HashEquals(Convert.ToHexStringLower(SHA256.HashData(bytes)), artifact.Sha256))
        {
            throw new LengthOrHashMismatchException($"artifact {ErrorText.Untrusted(artifact.TargetPath)} does not match its verified sha256");
        }

        return bytes;
    }

    private static ReleaseEntry WriteSingleFile(byte[] bytes, string dir, string name)
    {
        if (name.Length == 0 || name is "." or ".." || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidDataException("the target's file name cannot be installed");
        }

        var path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
        return new ReleaseEntry(name, "file", Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
    }

    /// <summary>
    /// Reads a .tar.gz through to the end without writing anything: null when it is a gzip-compressed tar archive within
    /// the entry and size bounds, otherwise what is wrong with it.
    /// </summary>
    internal static string? FindArchiveProblem(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x1f || bytes[1] != 0x8b)
        {
            return "it is not gzip-compressed";
        }

        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes, writable: false), CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            int count = 0;
            long total = 0;
            while (reader.GetNextEntry() is { } entry)
            {
                total += entry.Length;
                if (++count > MaxEntries || total > MaxUnpackedLength)
                {
                    return "it has more entries or bytes than a release may have";
                }
            }

            return count == 0 ? "the archive is empty" : null;
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            return $"it is not a readable tar archive ({ex.Message.TrimEnd('.')})";
        }
    }

    /// <summary>
    /// Unpacks a .tar.gz: only regular files, folders, and links that stay inside; no absolute or <c>..</c> names, no
    /// writing through links, no devices; setuid/setgid bits dropped; sizes and entry count bounded.
    /// </summary>
    internal static List<ReleaseEntry> UnpackArchive(byte[] bytes, string root)
    {
        var entries = new Dictionary<string, ReleaseEntry>(StringComparer.Ordinal);
        long total = 0;
        using var gzip = new GZipStream(new MemoryStream(bytes, writable: false), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
            {
                continue;
            }

            if (entries.Count >= MaxEntries)
            {
                throw new InvalidDataException("archive has too many entries");
            }

            var name = NormalizeEntryName(entry.Name);
            if (name is null)
            {
                continue; // the archive's root folder ("./")
            }

            if (entries.ContainsKey(name))
            {
                throw new InvalidDataException($"archive lists '{ErrorText.Untrusted(name)}' twice");
            }

            var full = Path.Combine(root, name);
            EnsureParentInside(root, full, entries);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    Directory.CreateDirectory(full);
                    entries[name] = new ReleaseEntry(name, "dir");
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                {
                    total += entry.Length;
                    if (total > MaxUnpackedLength)
                    {
                        throw new InvalidDataException("archive unpacks to more than the allowed size");
                    }

                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    using (var output = new FileStream(full, FileMode.CreateNew, FileAccess.Write))
                    {
                        if (entry.DataStream is { } data)
                        {
                            var buffer = new byte[81920];
                            int read;
                            while ((read = data.Read(buffer)) > 0)
                            {
                                hash.AppendData(buffer.AsSpan(0, read));
                                output.Write(buffer.AsSpan(0, read));
                            }
                        }
                    }

                    if (!OperatingSystem.IsWindows())
                    {
                        File.SetUnixFileMode(full, (UnixFileMode)((int)entry.Mode & 0b111_111_111));
                    }
                    entries[name] = new ReleaseEntry(name, "file", Convert.ToHexStringLower(hash.GetHashAndReset()), new FileInfo(full).Length);
                    break;
                }

                case TarEntryType.SymbolicLink:
                {
                    var target = entry.LinkName;
                    if (target.Length == 0 || Path.IsPathRooted(target) || target.Contains('\0', StringComparison.Ordinal)
                        || !IsInside(root, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(full)!, target))))
                    {
                        throw new InvalidDataException($"archive symlink '{ErrorText.Untrusted(name)}' points outside the release");
                    }

                    File.CreateSymbolicLink(full, target);
                    entries[name] = new ReleaseEntry(name, "symlink", Target: target);
                    break;
                }

                case TarEntryType.HardLink:
                {
                    // Hard links name another entry of the archive; materialise them as a copy of that regular file.
                    var source = NormalizeEntryName(entry.LinkName);
                    if (source is null || !entries.TryGetValue(source, out var original) || original.Kind != "file")
                    {
                        throw new InvalidDataException($"archive hard link '{ErrorText.Untrusted(name)}' does not name a file of the release");
                    }

                    File.Copy(Path.Combine(root, source), full);
                    entries[name] = original with { Path = name };
                    break;
                }

                default:
                    throw new InvalidDataException($"archive entry '{ErrorText.Untrusted(name)}' has unsupported type {entry.EntryType}");
            }
        }

        return [.. entries.Values];
    }

    private static string? NormalizeEntryName(string raw)
    {
        if (raw.Contains('\0', StringComparison.Ordinal) || raw.Contains('\\', StringComparison.Ordinal) || raw.StartsWith('/'))
        {
            throw new InvalidDataException($"archive entry '{ErrorText.Untrusted(raw)}' has an absolute or invalid name");
        }

        var parts = raw.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Any(p => p == ".."))
        {
            throw new InvalidDataException($"archive entry '{ErrorText.Untrusted(raw)}' escapes the release folder");
        }

        return parts.Length == 0 ? null : string.Join('/', parts);
    }

    private static void EnsureParentInside(string root, string full, Dictionary<string, ReleaseEntry> entries)
    {
        if (!IsInside(root, full))
        {
            throw new InvalidDataException("archive entry escapes the release folder");
        }

        // Never write through a symlink the archive created earlier, and create missing parent folders.
        var parent = Path.GetRelativePath(root, Path.GetDirectoryName(full)!).Replace('\\', '/');
        if (parent == ".")
        {
            return;
        }

        var prefix = "";
        foreach (var part in parent.Split('/'))
        {
            prefix = prefix.Length == 0 ? part : prefix + "/" + part;
            if (entries.TryGetValue(prefix, out var existing))
            {
                if (existing.Kind != "dir")
                {
                    throw new InvalidDataException($"archive entry is written through '{ErrorText.Untrusted(prefix)}', which is not a folder");
                }
            }
            else
            {
                Directory.CreateDirectory(Path.Combine(root, prefix));
                entries[prefix] = new ReleaseEntry(prefix, "dir");
            }
        }
    }

    private static bool IsInside(string root, string full)
    {
        var rel = Path.GetRelativePath(root, full);
        return rel != ".." && !rel.StartsWith("../", StringComparison.Ordinal) && !Path.IsPathRooted(rel);
    }

    internal static bool IsSha256(string? value) =>
        value is { Length: 64 } && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    private static void DeleteTree(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless (names are random and dot-prefixed).
        }
    }
}
