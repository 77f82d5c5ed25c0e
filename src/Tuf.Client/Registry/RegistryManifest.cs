namespace Tuf.Client.Registry;

/// <summary>A manifest as a registry served it: its exact bytes, media type and digest (sha256 of the bytes).</summary>
/// <param name="Bytes">The bytes, as served.</param>
/// <param name="MediaType">The media type (Content-Type, or the manifest's own <c>mediaType</c>).</param>
/// <param name="Digest">The digest, <c>sha256:HEX</c> of <paramref name="Bytes"/>.</param>
public sealed record RegistryManifest(byte[] Bytes, string MediaType, string Digest)
{
    /// <summary>The lowercase hex sha256 (the digest without its <c>sha256:</c> prefix).</summary>
    public string Sha256 => Digest["sha256:".Length..];
}
