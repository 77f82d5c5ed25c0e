using Tuf.Cli.Commands;

namespace Tuf.Cli.Tests;

/// <summary><c>tuf repo add FOLDER</c>: which files a folder adds, and under which target paths (listed on every core).</summary>
public sealed class RepoAddListingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tuf-listing-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string relative, string content = "x")
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Collect_Folder_EveryFileSortedByTargetPath_StagingFoldersSkipped_LinkedFoldersFollowed()
    {
        string site = Path.Combine(_root, "site");
        Write("site/index.html");
        Write("site/.hidden");
        Write("site/a.b/c.txt");           // "a.b/..." sorts before "a/..." ('.' is 0x2E, '/' 0x2F)
        Write("site/a/z.txt");
        Write("site/a/deep/er/file.txt");
        Write("site/b/.tuf-staging/roles.json"); // a staging folder anywhere is skipped
        Write("site/.tuf-staging/sources.json");
        Write("site/b/kept.txt");
        Write("outside/linked.txt");
        Directory.CreateSymbolicLink(Path.Combine(site, "link"), Path.Combine(_root, "outside"));
        for (int i = 0; i < 30; i++)
        {
            Write($"site/many{i % 7}/f{i:00}.txt");
        }

        var sources = RepoAddCommand.Collect([site], "web");

        var expected = new List<string> { "web/.hidden", "web/a.b/c.txt", "web/a/deep/er/file.txt", "web/a/z.txt", "web/b/kept.txt", "web/index.html", "web/link/linked.txt" };
        expected.AddRange(Enumerable.Range(0, 30).Select(i => $"web/many{i % 7}/f{i:00}.txt"));
        expected.Sort(StringComparer.Ordinal);
        Assert.Equal(expected, sources.Select(s => s.TargetPath));
        Assert.All(sources, s => Assert.True(File.Exists(s.FilePath), s.FilePath));
        Assert.Equal(Path.Combine(site, "link", "linked.txt"), sources.Single(s => s.TargetPath == "web/link/linked.txt").FilePath);
    }

    [Fact]
    public void Collect_EmptyFolderAndSingleFile()
    {
        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        Assert.Empty(RepoAddCommand.Collect([Path.Combine(_root, "empty")], null));

        string file = Write("one.txt");
        var single = Assert.Single(RepoAddCommand.Collect([file], "dir/renamed.txt"));
        Assert.Equal("dir/renamed.txt", single.TargetPath);
    }
}
