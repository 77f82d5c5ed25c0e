namespace Tuf.Testing;

/// <summary>Finds <c>../shared/vectors</c> (real TUF metadata published by others) and the repository root.</summary>
public static class SharedVectors
{
    /// <summary>The repository root (the folder holding Tuf.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The shared vectors folder, or null when absent.</summary>
    public static string? Directory { get; } = FindShared();

    /// <summary>The message a test skips with when the shared folder is absent.</summary>
    public const string MissingMessage = "../shared/vectors is absent: real-world vector tests skipped";

    public static string PathOf(params string[] parts) =>
        System.IO.Path.Combine([Directory ?? throw new InvalidOperationException(MissingMessage), .. parts]);

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Tuf.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Tuf.sln not found above " + AppContext.BaseDirectory);
    }

    private static string? FindShared()
    {
        var env = Environment.GetEnvironmentVariable("TUF_SHARED_VECTORS");
        if (!string.IsNullOrEmpty(env) && System.IO.Directory.Exists(env))
        {
            return env;
        }

        var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(RepoRoot, "..", "shared", "vectors"));
        return System.IO.Directory.Exists(candidate) ? candidate : null;
    }
}
