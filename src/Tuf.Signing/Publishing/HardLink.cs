using System.Runtime.InteropServices;

namespace Tuf.Signing;

/// <summary>Hard links (POSIX <c>link</c>): publishing a target under two hash names costs no extra copy.</summary>
internal static partial class HardLink
{
    public static bool TryCreate(string existing, string newPath)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            return Link(existing, newPath) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string existing, string newPath);
}
