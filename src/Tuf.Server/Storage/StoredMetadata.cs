namespace Tuf.Server.Storage;

/// <summary>A metadata file exactly as published.</summary>
/// <param name="Role">Role name.</param>
/// <param name="Version">Metadata version.</param>
/// <param name="Sha256">SHA-256 of <paramref name="Data"/>, lowercase hex (also the ETag).</param>
/// <param name="Data">The bytes.</param>
internal sealed record StoredMetadata(string Role, long Version, string Sha256, byte[] Data);
