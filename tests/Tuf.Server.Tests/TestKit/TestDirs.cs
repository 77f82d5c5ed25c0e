namespace Tuf.Server.Tests.TestKit;

/// <summary>Temporary folders for one test run, all under one root that is deleted when the test process exits.</summary>
internal static class TestDirs
{
    private static readonly Lazy<string> s_root = new(() =>
    {
        var root = Directory.CreateTempSubdirectory($"tuf-server-tests-{Environment.ProcessId}-").FullName;
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

    /// <summary>A new empty folder.</summary>
    public static DirectoryInfo New(string prefix) => Directory.CreateDirectory(Path.Combine(s_root.Value, prefix + Guid.NewGuid().ToString("N")[..12]));
}
