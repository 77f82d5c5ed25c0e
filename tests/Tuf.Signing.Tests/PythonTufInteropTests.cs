using System.Security.Cryptography;
using Tuf.Testing;

namespace Tuf.Signing.Tests;

/// <summary>
/// Byte-level interop: python-tuf's tests/generated_data/generate_md.py signs fixed metadata with four fixed
/// ed25519 keys. Building the same objects with our model must give the same canonical bytes, the same
/// signatures (ed25519 is deterministic) and, in python-tuf's indented layout, the same files byte for byte.
/// </summary>
public sealed class PythonTufInteropTests
{
    // The fixed keys of python-tuf's generate_md.py (public test data).
    private static readonly string[] Seeds =
    [
        "510e5e04d7a364af850533856eacdf65d30cc0f8803ecd5fdc0acc56ca2aa91c",
        "e6645b00312c8a257782e3e61e85bafda4317ad072c52251ef933d480c387abd",
        "cd13dd2180334b24c19b32aaf27f7e375a614d7ba0777220d5c2290bb2f9b868",
        "7e2e751145d1b22f6e40d4ba2aa47158207acfd3c003f1cbd5a08141dfc22a15",
    ];

    private static readonly DateTimeOffset Expiry = new(2050, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // generate_md.py takes these key IDs as given (securesystemslib computed them with keyid_hash_algorithms in the key).
    private static readonly string[] KeyIds =
    [
        "5822582e7072996c1eef1cec24b61115d364987faa486659fe3d3dce8dae2aba",
        "09d440e3725cec247dcb8703b646a87dd2a4d75343e8095c036c32795eefe3b9",
        "3458204ed467519c19a5316eb278b5608472a1bbf15850ebfb462d5315e4f86d",
        "2be5c21e3614f9f178fb49c4a34d0c18ffac30abd14ced917c60a52c8d8094b7",
    ];

    private static InMemorySigner Key(int i)
    {
        // PKCS#8 wrapping of an Ed25519 seed (RFC 8410): fixed 16-byte header + 32-byte seed.
        byte[] der = [.. Convert.FromHexString("302e020100300506032b657004220420"), .. Convert.FromHexString(Seeds[i])];
        return InMemorySigner.FromPkcs8(der, $"ed25519_{i}");
    }

    private static KeyIdSigner Signer(int i) => new KeyIdSigner(Key(i), KeyIds[i]);

    /// <summary>An <see cref="ISigner"/> that signs under a key ID given from outside, as securesystemslib's signer does.</summary>
    private sealed class KeyIdSigner(ISigner inner, string keyId) : ISigner
    {
        public Key PublicKey => inner.PublicKey;

        public string KeyId => keyId;

        public Task<byte[]> SignAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => inner.SignAsync(data, cancellationToken);
    }

    public static TheoryData<string> Roles => new() { "root", "timestamp", "snapshot", "targets" };

    [SkippableTheory]
    [MemberData(nameof(Roles))]
    public async Task GeneratedMetadata_SameCanonicalBytesSignaturesAndFile(string role)
    {
        Skip.If(SharedVectors.Directory is null, SharedVectors.MissingMessage);

        var root = new Root { Expires = Expiry, ConsistentSnapshot = true };
        foreach (var name in new[] { "root", "timestamp", "snapshot", "targets" })
        {
            root.Roles[name] = new Role { KeyIds = [], Threshold = 1 };
        }

        string[] order = ["root", "timestamp", "snapshot", "targets"];
        for (int i = 0; i < 4; i++)
        {
            root.Keys[KeyIds[i]] = Key(i).PublicKey;
            root.Roles[order[i]].KeyIds.Add(KeyIds[i]);
        }

        Signed signed = role switch
        {
            "root" => root,
            "timestamp" => new Timestamp { Expires = Expiry, SnapshotMeta = new MetaFile { Version = 1 } },
            "snapshot" => new Snapshot { Expires = Expiry, Meta = { ["targets.json"] = new MetaFile { Version = 1 } } },
            _ => new Targets { Expires = Expiry },
        };

        byte[] expectedFile = File.ReadAllBytes(SharedVectors.PathOf("python-tuf", "generated_data", "ed25519_metadata", $"{role}_with_ed25519.json"));
        var expected = MetadataParser.Parse<Signed>(expectedFile);
        var signedRole = await SignedRole.SignAsync(signed, [Signer(Array.IndexOf(order, role))], MetadataFileFormat.Indented);

        Assert.Equal(expected.SignedBytes.ToArray(), signedRole.SignedBytes.ToArray());
        Assert.Equal(expected.Signatures, signedRole.Signatures);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expectedFile)), signedRole.Sha256);
        Assert.Equal(expectedFile, signedRole.FileBytes.ToArray());
    }

    [SkippableFact]
    public void FixedKeys_PublicValuesMatchPythonTuf()
    {
        string[] publics =
        [
            "b11d2ff132c033a657318c74c39526476c56de7556c776f11070842dbc4ac14c",
            "250f9ae3d1d3d5c419a73cfb4a470c01de1d5d3d61a3825416b5f5d6b88f4a30",
            "82380623abb9666d4bf274b1a02577469445a972e5650d270101faa5107b19c8",
            "0e6738fc1ac6fb4de680b4be99ecbcd99b030f3963f291277eef67bb9bd123e9",
        ];
        Assert.Equal(publics, Enumerable.Range(0, 4).Select(i => Key(i).PublicKey.Public));
    }
}
