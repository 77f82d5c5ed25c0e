using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tuf.Benchmarks.Workloads;

/// <summary>
/// Deterministic large targets metadata: N targets with realistic package-like paths, lengths and
/// sha256 (+ optionally sha512) hashes derived from the index, laid out as python-tuf writes files.
/// </summary>
internal static class TargetsWorkload
{
    private static readonly string[] Ecosystems = ["npm", "pypi", "maven", "oci", "debian", "crates"];
    private static readonly string[] Words =
    [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima",
        "metrics", "agent", "server", "client", "core", "utils", "runtime", "plugin", "sdk", "cli", "web", "auth",
    ];

    private static readonly string[] Files = ["package.tgz", "wheel.whl", "artifact.jar", "image.tar", "release.deb", "crate.tar.gz", "SHA256SUMS"];

    /// <summary>The targets model with <paramref name="count"/> targets.</summary>
    public static Targets Create(int count, bool withSha512)
    {
        var targets = new Targets
        {
            Version = 42,
            SpecVersion = "1.0.31",
            Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero),
        };
        var files = new Dictionary<string, TargetFile>(count, StringComparer.Ordinal);
        Span<byte> seed = stackalloc byte[4];
        for (int i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(seed, i);
            byte[] sha256 = SHA256.HashData(seed);
            string path = PathFor(i, sha256);
            var hashes = new Dictionary<string, string>(StringComparer.Ordinal) { ["sha256"] = Convert.ToHexStringLower(sha256) };
            if (withSha512)
            {
                hashes["sha512"] = Convert.ToHexStringLower(SHA512.HashData(seed));
            }

            files[path] = new TargetFile { Path = path, Length = 1024 + (BitConverter.ToInt32(sha256, 4) & 0x3FFFFFF), Hashes = hashes };
        }

        targets.TargetFiles = files;
        return targets;
    }

    /// <summary>The file bytes (python-tuf layout) of a signed targets file with one ed25519-sized signature.</summary>
    public static byte[] CreateFile(int count, bool withSha512)
    {
        var signature = new Signature(new string('a', 64), new string('b', 128));
        return MetadataWriter.ToFileBytes(Create(count, withSha512), [signature], MetadataFileFormat.Indented);
    }

    private static string PathFor(int i, byte[] hash)
    {
        var sb = new StringBuilder(64);
        sb.Append(Ecosystems[hash[0] % Ecosystems.Length]).Append('/')
          .Append(Words[hash[1] % Words.Length]).Append('-').Append(Words[hash[2] % Words.Length]).Append('/')
          .Append((hash[3] % 5).ToString(CultureInfo.InvariantCulture)).Append('.')
          .Append((hash[4] % 20).ToString(CultureInfo.InvariantCulture)).Append('.')
          .Append(i.ToString(CultureInfo.InvariantCulture)).Append('/')
          .Append(Files[hash[5] % Files.Length]);
        return sb.ToString();
    }
}
