namespace Tuf;

/// <summary>A targets role (top-level or delegated): target files and optional delegations.</summary>
public sealed class Targets : Signed
{
    /// <summary>The <c>_type</c> value.</summary>
    public const string TypeName = "targets";

    /// <inheritdoc/>
    public override string Type => TypeName;

    /// <summary>Target files by path.</summary>
    public IDictionary<string, TargetFile> TargetFiles { get; set; } = new Dictionary<string, TargetFile>(StringComparer.Ordinal);

    /// <summary>Delegations to other roles, when present.</summary>
    public Delegations? Delegations { get; set; }
}
