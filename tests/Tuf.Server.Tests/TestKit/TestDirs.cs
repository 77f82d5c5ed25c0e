namespace Tuf.Server.Tests.TestKit;

/// <summary>Temporary folders for one test run, all under one root that is deleted when the test process exits.</summary>
internal static class TestDirs
{
    private const string Prefix = "tuf-server-tests-";

    private static readonly Lazy<string> s_root = new(() =>
    {
        RemoveStaleRoots();
        var root = Directory.CreateTempSubdirectory($"{Prefix}{Environment.ProcessId}-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Best effort.
            }
        };
        return root;
    });

    /// <summary>
    /// Removes the roots of earlier test processes that are gone (the test host is sometimes ended before its exit
    /// handlers run, which left ~6 MB per run behind).
    /// </summary>
    private static void RemoveStaleRoots()
    {
        foreach (var dir in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            string rest = Path.GetFileName(dir)[Prefix.Length..];
            int dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash > 0 && int.TryParse(rest[..dash], out int pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                try
                {
                    Directory.Delete(dir, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Best effort.
                }
            }
        }
    }

    /// <summary>A new empty folder.</summary>
    public static DirectoryInfo New(string prefix) => Directory.CreateDirectory(Path.Combine(s_root.Value, prefix + Guid.NewGuid().ToString("N")[..12]));
}
