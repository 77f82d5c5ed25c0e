using Tuf.Internal;

namespace Tuf.Client;

/// <summary>
/// The local metadata directory: one file per role, <c>ROLE.json</c> with the role name percent-encoded, holding
/// the exact bytes that were accepted. Writes go to a temp file that is flushed to disk and then renamed over the
/// old file, so a crash leaves either the old or the new trusted file, never a torn one.
/// </summary>
internal sealed class MetadataStore
{
    private readonly string _directory;

    public MetadataStore(string directory)
    {
        _directory = Path.GetFullPath(directory);
    }

    public string Directory => _directory;

    public string PathOf(string roleName) => Path.Combine(_directory, FileNameOf(roleName));

    /// <summary>The file name of a role: <c>quote(role, safe="") + ".json"</c> as python-tuf writes it (a name made of
    /// dots gives a plain file such as <c>...json</c>, never a path); names too long for a file system are hashed.</summary>
    public static string FileNameOf(string roleName)
    {
        string name = SafeNames.Quote(roleName) + ".json";
        return name.Length <= 200 ? name : SafeNames.FileName(roleName) + ".json";
    }

    /// <summary>The stored bytes of <paramref name="roleName"/>, or null when absent or unreadable.</summary>
    public byte[]? TryRead(string roleName, long maxLength)
    {
        string path = PathOf(roleName);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            if (stream.Length > maxLength)
            {
                return null;
            }

            var data = new byte[stream.Length];
            stream.ReadExactly(data);
            return data;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Replaces a role's trusted file durably; the folder must exist (a vanished trusted folder is an error, not recreated).</summary>
    public void Write(string roleName, ReadOnlySpan<byte> data) => DurableFile.Write(PathOf(roleName), data, createDirectory: false);

    public void Delete(string roleName)
    {
        try
        {
            File.Delete(PathOf(roleName));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not fatal: a stale file is only used for rollback checks and is verified before use.
        }
    }
}
