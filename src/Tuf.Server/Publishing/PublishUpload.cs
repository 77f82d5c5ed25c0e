namespace Tuf.Server.Publishing;

/// <summary>An uploaded metadata file.</summary>
/// <param name="Role">Role name (file name without <c>.json</c>, percent-decoded).</param>
/// <param name="Data">Exact bytes.</param>
internal sealed record UploadedFile(string Role, byte[] Data);

/// <summary>Uploaded target content.</summary>
/// <param name="Path">Target path as in targets metadata.</param>
/// <param name="Data">Bytes.</param>
internal sealed record UploadedTarget(string Path, byte[] Data);
