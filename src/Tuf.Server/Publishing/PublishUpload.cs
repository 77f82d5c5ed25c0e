namespace Tuf.Server.Publishing;

/// <summary>An uploaded metadata file.</summary>
/// <param name="Role">Role name (file name without <c>.json</c>, percent-decoded).</param>
/// <param name="Data">Exact bytes.</param>
internal sealed record UploadedFile(string Role, byte[] Data);

/// <summary>Uploaded target content.</summary>
/// <param name="Path">Target path as in targets metadata.</param>
/// <param name="Content">The bytes, in a temporary file.</param>
internal sealed record UploadedTarget(string Path, SpooledTarget Content);

/// <summary>Everything one publish request carried; disposing it removes the targets' temporary files.</summary>
internal sealed class PublishUpload : IDisposable
{
    /// <summary>Metadata files, in request order.</summary>
    public List<UploadedFile> Files { get; } = [];

    /// <summary>Target content, in request order.</summary>
    public List<UploadedTarget> Targets { get; } = [];

    /// <summary>Removes the temporary files.</summary>
    public void Dispose()
    {
        foreach (var target in Targets)
        {
            target.Content.Dispose();
        }
    }
}
