namespace Tuf.Signing;

/// <summary>The editor's view of one role: its current payload (staged or published) and signatures.</summary>
internal sealed class RoleState
{
    public RoleState(string name, Signed signed, List<Signature> signatures, long publishedVersion, bool isStaged)
    {
        Name = name;
        Signed = signed;
        Signatures = signatures;
        PublishedVersion = publishedVersion;
        IsStaged = isStaged;
    }

    public string Name { get; }

    public Signed Signed { get; }

    public List<Signature> Signatures { get; }

    /// <summary>The version currently published, 0 when the role has never been published.</summary>
    public long PublishedVersion { get; }

    /// <summary>Whether the role has changes waiting for commit (its version is then <see cref="PublishedVersion"/> + 1).</summary>
    public bool IsStaged { get; set; }

    /// <summary>Whether the staged file must be rewritten on save.</summary>
    public bool Dirty { get; set; }

    /// <summary>The canonical bytes of <see cref="Signed"/> as read from disk, while the role is unmodified.</summary>
    public ReadOnlyMemory<byte>? LoadedSignedBytes { get; set; }

    /// <summary>The bytes signatures cover: exactly what was read while unmodified, else freshly encoded.</summary>
    public ReadOnlyMemory<byte> SignedBytes() => LoadedSignedBytes ?? MetadataWriter.ToCanonicalBytes(Signed);

    public Targets Targets => Signed as Targets ?? throw new SigningException($"role '{Name}' is not a targets role");

    public Root Root => Signed as Root ?? throw new SigningException($"role '{Name}' is not the root role");
}
