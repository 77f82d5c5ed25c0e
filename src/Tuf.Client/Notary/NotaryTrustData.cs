namespace Tuf.Client.Notary;

/// <summary>What a refresh of a Notary collection verified (Notary calls it the collection's trust data).</summary>
/// <param name="Gun">The collection's name.</param>
/// <param name="RootVersion">The trusted root's version.</param>
/// <param name="TimestampVersion">The timestamp's version.</param>
/// <param name="Targets">Every target, each from the first role in delegation order (targets first) that lists it.</param>
/// <param name="Roles">The targets roles read, in order (<c>targets</c>, then the delegations).</param>
public sealed record NotaryTrustData(string Gun, long RootVersion, long TimestampVersion, IReadOnlyList<NotaryTarget> Targets, IReadOnlyList<string> Roles)
{
    /// <summary>The target named <paramref name="name"/>, or <see langword="null"/>.</summary>
    /// <param name="name">The target name.</param>
    /// <returns>The target.</returns>
    public NotaryTarget? Find(string name) => Targets.FirstOrDefault(t => t.Name == name);
}
