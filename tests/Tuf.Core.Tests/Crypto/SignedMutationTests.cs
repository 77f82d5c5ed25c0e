using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Tuf.Core.Tests.Crypto;

/// <summary>
/// Single-byte mutation of a validly signed file: the result is rejected (a <see cref="RepositoryException"/>:
/// malformed, or below threshold), or accepted with canonical <c>signed</c> bytes identical to the original
/// (the mutation was outside the signed content, e.g. whitespace or a redundant signature entry).
/// </summary>
public class SignedMutationTests
{
    private static readonly SigningKey SignerKey = SigningKey.GenerateEd25519FromSeed(Enumerable.Repeat((byte)7, 32).ToArray());

    private static readonly Root TrustedRoot = BuildRoot();

    private static readonly byte[] SignedFile = BuildSignedTargets(MetadataFileFormat.Indented);

    private static readonly byte[] OriginalSignedBytes = MetadataParser.Parse<Targets>(SignedFile).SignedBytes.ToArray();

    private static Root BuildRoot()
    {
        var root = new Root { Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        root.Keys[SignerKey.KeyId] = SignerKey.PublicKey;
        foreach (var name in new[] { "root", "timestamp", "snapshot", "targets" })
        {
            root.Roles[name] = new Role { KeyIds = [SignerKey.KeyId], Threshold = 1 };
        }

        return root;
    }

    private static byte[] BuildSignedTargets(MetadataFileFormat format)
    {
        var targets = new Targets { Version = 3, Expires = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        foreach (var (path, content) in new[] { ("a.txt", "alpha"), ("dir/b.bin", "beta"), ("ö/c", "gamma") })
        {
            var bytes = Encoding.UTF8.GetBytes(content);
            targets.TargetFiles[path] = new TargetFile
            {
                Path = path,
                Length = bytes.Length,
                Hashes = { ["sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)) },
            };
        }

        var signedBytes = MetadataWriter.ToCanonicalBytes(targets);
        var sig = new Signature(SignerKey.KeyId, Convert.ToHexStringLower(SignerKey.Sign(signedBytes)));
        return MetadataWriter.ToFileBytes(targets, [sig], format);
    }

    /// <summary>Parses and verifies like the client does; returns the signed bytes when accepted.</summary>
    private static byte[]? Accept(byte[] data)
    {
        try
        {
            var envelope = MetadataParser.Parse<Targets>(data, "targets.json");
            ThresholdVerifier.Verify("targets", envelope.SignedBytes.Span, envelope.Signatures, TrustedRoot.Roles["targets"], TrustedRoot.Keys);
            return envelope.SignedBytes.ToArray();
        }
        catch (RepositoryException)
        {
            return null;
        }
    }

    [Fact]
    public void Original_IsAccepted()
    {
        Assert.Equal(OriginalSignedBytes, Accept(SignedFile));
    }

    [Fact]
    public void EveryByteFlip_RejectedOrSignedBytesUnchanged()
    {
        // Exhaustive over positions, a few XOR masks each: deterministic, no randomness needed.
        foreach (byte mask in new byte[] { 0x01, 0x20, 0x80 })
        {
            for (int i = 0; i < SignedFile.Length; i++)
            {
                var mutated = (byte[])SignedFile.Clone();
                mutated[i] ^= mask;
                var accepted = Accept(mutated);
                if (accepted is not null)
                {
                    Assert.Equal(OriginalSignedBytes, accepted);
                }
            }
        }
    }

    [Property(MaxTest = 2000, Replay = "12345,6789")]
    public Property RandomByteReplacement_Property()
    {
        var gen = from pos in Gen.Choose(0, SignedFile.Length - 1)
                  from value in Gen.Choose(0, 255)
                  select (pos, (byte)value);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var mutated = (byte[])SignedFile.Clone();
            mutated[t.pos] = t.Item2;
            var accepted = Accept(mutated);
            return accepted is null || accepted.AsSpan().SequenceEqual(OriginalSignedBytes);
        });
    }

    [Fact]
    public void MutationInsideSignedContent_IsAlwaysRejected()
    {
        // Mutate the canonical file: every byte of the signed value is content, so every accepted
        // mutation there would be a forgery.
        var canonical = BuildSignedTargets(MetadataFileFormat.Canonical);
        int start = Encoding.UTF8.GetString(canonical).IndexOf("\"signed\":", StringComparison.Ordinal) + "\"signed\":".Length;
        for (int i = start; i < canonical.Length - 1; i++)
        {
            var mutated = (byte[])canonical.Clone();
            mutated[i] ^= 0x01;
            Assert.Null(Accept(mutated));
        }
    }
}
