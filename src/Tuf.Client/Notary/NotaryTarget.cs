using Tuf.Notary;

namespace Tuf.Client.Notary;

/// <summary>A target of a Notary collection, verified: its name, signed length and hashes, and the role that signed it.</summary>
/// <param name="Name">The target name (for Docker Content Trust, the tag).</param>
/// <param name="Meta">The signed length and hashes.</param>
/// <param name="Role">The role that lists it (<c>targets</c> or a delegation such as <c>targets/releases</c>).</param>
public sealed record NotaryTarget(string Name, NotaryFileMeta Meta, string Role);
