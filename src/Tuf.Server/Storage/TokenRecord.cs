namespace Tuf.Server.Storage;

/// <summary>A bearer token, stored only as the SHA-256 of its secret.</summary>
/// <param name="Hash">SHA-256 of the token, lowercase hex.</param>
/// <param name="Name">A label.</param>
/// <param name="Scopes">Space-separated scopes, each <c>action:gun-pattern</c>.</param>
/// <param name="CreatedAt">Creation time.</param>
internal sealed record TokenRecord(string Hash, string Name, string Scopes, DateTimeOffset CreatedAt);
