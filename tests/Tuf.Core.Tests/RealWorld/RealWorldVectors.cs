using System.Text.Json;
using Tuf.Testing;

namespace Tuf.Core.Tests.RealWorld;

/// <summary>Finds the metadata files in the shared real-world vectors and says which must be rejected.</summary>
internal static class RealWorldVectors
{
    /// <summary>Paths relative to the vectors folder that a TUF 1.0 parser must reject (see vectors/README.md).</summary>
    public static bool MustBeRejected(string relativePath) =>
        relativePath.StartsWith("notary/", StringComparison.Ordinal)
        || relativePath.StartsWith("tough/data/duplicate-keyid/", StringComparison.Ordinal)
        // The same keyid twice in "signatures" ("The keyid MUST be unique in the signatures array").
        || relativePath.StartsWith("tough/data/duplicate-sigs/", StringComparison.Ordinal)
        || relativePath.StartsWith("tough/data/duplicate-sig-keys/", StringComparison.Ordinal);

    /// <summary>Every JSON file with a top-level <c>signed</c> member (relative paths, sorted).</summary>
    public static IReadOnlyList<string> MetadataFiles()
    {
        var root = SharedVectors.Directory;
        if (root is null)
        {
            return [];
        }

        var result = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("canonical-json/", StringComparison.Ordinal) || relative.StartsWith("_reports/", StringComparison.Ordinal))
            {
                continue;
            }

            if (LooksLikeMetadata(File.ReadAllBytes(file)))
            {
                result.Add(relative);
            }
        }

        result.Sort(StringComparer.Ordinal);
        return result;
    }

    public static byte[] Read(string relativePath) => File.ReadAllBytes(SharedVectors.PathOf(relativePath.Split('/')));

    private static bool LooksLikeMetadata(byte[] bytes)
    {
        try
        {
            // Lenient on purpose (duplicates allowed): this only sorts files, the parser under test decides.
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("signed", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Theory data: the files, or one placeholder when the vectors are absent.</summary>
    public static TheoryData<string> AsTheoryData() => AsTheoryData(acceptedOnly: false);

    /// <summary>The files a client must accept (one empty name when the vectors are absent, so the test skips).</summary>
    public static TheoryData<string> AcceptedAsTheoryData() => AsTheoryData(acceptedOnly: true);

    private static TheoryData<string> AsTheoryData(bool acceptedOnly)
    {
        var data = new TheoryData<string>();
        var files = MetadataFiles().Where(f => !acceptedOnly || !MustBeRejected(f)).ToList();
        if (files.Count == 0)
        {
            data.Add(string.Empty);
        }

        foreach (var f in files)
        {
            data.Add(f);
        }

        return data;
    }
}
