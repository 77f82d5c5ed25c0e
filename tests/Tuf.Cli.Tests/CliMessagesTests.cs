namespace Tuf.Cli.Tests;

/// <summary>
/// What a person sees when something is mistyped or wrong: exit code, the exact first line, and nothing changed on
/// disk (issue 16's defects, each of which failed before).
/// </summary>
[Collection(RepoCliCollection.Name)]
public sealed class CliMessagesTests : IDisposable
{
    private readonly RepoCli _cli = new();

    public void Dispose() => _cli.Dispose();

    private string FirstErrorLine => _cli.Err.Split('\n')[0].TrimEnd('\r');

    private string[] Expand(string[] args) =>
        args.Select(a => a.Replace("{repo}", _cli.Repo, StringComparison.Ordinal).Replace("{keys}", _cli.Keys, StringComparison.Ordinal)).ToArray();

    [Theory]
    [InlineData("tuf: unknown option '--kestore' for 'tuf repo commit' (did you mean '--keystore'?)", "repo", "commit", "{repo}", "--key", "targets", "--kestore", "{keys}")]
    [InlineData("tuf: unknown option '--bogus' for 'tuf repo add'", "repo", "add", "{repo}", "{repo}/metadata/1.root.json", "--bogus")]
    [InlineData("tuf: unknown option '--nope' for 'tuf download'", "download", "--nope", "x")]
    [InlineData("tuf: unknown option '--metdata-url' for 'tuf download' (did you mean '--metadata-url'?)", "download", "--metdata-url", "http://x/", "t")]
    [InlineData("tuf: unknown command 'comit' for 'tuf repo' (did you mean 'commit'?)", "repo", "comit", "{repo}")]
    [InlineData("tuf: unknown command 'lst' for 'tuf key' (did you mean 'list'?)", "key", "lst")]
    [InlineData("tuf: DAYS: 'abc' is not a whole number", "repo", "expire", "{repo}", "targets", "abc")]
    [InlineData("tuf: --threshold: 'two' is not a whole number", "repo", "delegate", "{repo}", "d", "--key", "targets", "--threshold", "two", "--keystore", "{keys}")]
    public void Mistyped_UsageErrorNamingIt_HintNamesTheCommandsHelp_NothingChanged(string firstLine, params string[] args)
    {
        _cli.InitAndCommit();
        string before = _cli.Fingerprint();
        var expanded = Expand(args);
        Assert.Equal(2, _cli.Run(expanded));
        Assert.Equal(firstLine, FirstErrorLine);
        string hint = _cli.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        string command = args[0] == "download" ? "tuf download" : args[1] is "comit" or "lst" ? $"tuf {args[0]}" : $"tuf {args[0]} {args[1]}";
        Assert.StartsWith($"Run '{command} --help' for usage.", hint);
        Assert.Equal(before, _cli.Fingerprint());
    }

    [Fact]
    public void ValueStartingWithDash_AfterDoubleDash_IsAFile()
    {
        _cli.InitAndCommit();
        string dashed = _cli.Source("-dash.txt", "dash");
        Directory.SetCurrentDirectory(Path.GetDirectoryName(dashed)!);
        try
        {
            _cli.RunOk("repo", "add", _cli.Repo, "--", "-dash.txt");
        }
        finally
        {
            Directory.SetCurrentDirectory(Path.GetTempPath());
        }

        Assert.Contains("-dash.txt", _cli.Out);
        Assert.Equal(2, _cli.Run("repo", "add", _cli.Repo, "-dash.txt"));
        Assert.Equal($"tuf: unknown option '-dash.txt' for 'tuf repo add'", FirstErrorLine);
    }

    [Fact]
    public void Download_MissingRootFile_NamesTheOptionAndCreatesNothing()
    {
        string metadata = Path.Combine(_cli.Root, "client-metadata");
        string targets = Path.Combine(_cli.Root, "client-targets");
        string missing = Path.Combine(_cli.Root, "nope.json");
        Assert.Equal(1, _cli.Run("download", "--root", missing, "--metadata-url", "http://127.0.0.1:9/m/", "--targets-url", "http://127.0.0.1:9/t/",
            "--metadata-dir", metadata, "--target-dir", targets, "a.txt"));
        Assert.StartsWith($"tuf: --root: no such file: {missing}", FirstErrorLine);
        Assert.False(Directory.Exists(metadata));
        Assert.False(Directory.Exists(targets));
    }

    [Fact]
    public void Download_ConnectionRefused_SaidOnceWithTheUrl()
    {
        _cli.InitAndCommit();
        string metadata = Path.Combine(_cli.Root, "client-metadata");
        Assert.Equal(1, _cli.Run("download", "--root", Path.Combine(_cli.Repo, "metadata", "1.root.json"), "--metadata-url", "http://127.0.0.1:9/m/",
            "--targets-url", "http://127.0.0.1:9/t/", "--metadata-dir", metadata, "--target-dir", Path.Combine(_cli.Root, "t"), "a.txt"));
        Assert.StartsWith("tuf: http://127.0.0.1:9/m/2.root.json: ", FirstErrorLine);
        Assert.Equal(1, CountOf(_cli.Err, "Connection refused"));
    }

    [Fact]
    public void Download_BootstrapRootNotARoot_NamesTheOption()
    {
        string bad = _cli.Source("root.json", "{}");
        Assert.Equal(1, _cli.Run("download", "--root", bad, "--metadata-url", "http://127.0.0.1:9/m/", "--targets-url", "http://127.0.0.1:9/t/",
            "--metadata-dir", Path.Combine(_cli.Root, "md"), "--target-dir", Path.Combine(_cli.Root, "t"), "a.txt"));
        Assert.StartsWith("tuf: --root: not a usable root.json: ", FirstErrorLine);
        Assert.False(Directory.Exists(Path.Combine(_cli.Root, "md")));
    }

    [Fact]
    public void Download_CorruptedTrustedRoot_SaysWhichFileAndHowToRecover()
    {
        string metadata = Path.Combine(_cli.Root, "client-metadata");
        Directory.CreateDirectory(metadata);
        string trusted = Path.Combine(metadata, "root.json");
        File.WriteAllText(trusted, "garbage");
        Assert.Equal(1, _cli.Run("download", "--root", trusted, "--metadata-url", "http://127.0.0.1:9/m/", "--targets-url", "http://127.0.0.1:9/t/",
            "--metadata-dir", metadata, "--target-dir", Path.Combine(_cli.Root, "t"), "a.txt"));
        Assert.StartsWith($"tuf: the trusted root {trusted} is not usable: ", FirstErrorLine);
        var lines = _cli.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("out of band", lines[1]);
        Assert.Contains("--root", lines[1]);
        Assert.Equal("garbage", File.ReadAllText(trusted));
    }

    [Fact]
    public void KeyGenerate_EmptyPassphrase_RefusedUnlessAllowed()
    {
        Environment.SetEnvironmentVariable("TUF_KEY_PASSPHRASE", "");
        Assert.Equal(2, _cli.Run("key", "generate", "k", "--keystore", _cli.Keys));
        Assert.Equal("tuf: empty passphrase for new key 'k' (from TUF_KEY_PASSPHRASE): choose one, or pass --allow-empty-passphrase", FirstErrorLine);
        Assert.False(Directory.Exists(_cli.Keys) && Directory.EnumerateFiles(_cli.Keys).Any());

        _cli.RunOk("key", "generate", "k", "--keystore", _cli.Keys, "--allow-empty-passphrase");
        _cli.RunOk("key", "list", "--keystore", _cli.Keys);
        Assert.StartsWith("k\t", _cli.Out);
    }

    [Fact]
    public void KeyList_OneUnreadableFile_OthersListedThatOneMarked()
    {
        _cli.GenerateKeys("a", "b", "c");
        File.WriteAllText(Path.Combine(_cli.Keys, "b.key.json"), "not a key");
        Assert.Equal(1, _cli.Run("key", "list", "--keystore", _cli.Keys));
        var lines = _cli.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("a\t", lines[0]);
        Assert.Equal("b\tUNREADABLE\t-", lines[1]);
        Assert.StartsWith("c\t", lines[2]);
        Assert.StartsWith("tuf: key 'b': ", FirstErrorLine);
    }

    [Fact]
    public void HelpAndSummaries_ReadAsEnglish()
    {
        Assert.Equal(0, _cli.Run("rollout", "start", "--help"));
        Assert.Contains("Instances rolled back at once", _cli.Out);
        Assert.DoesNotContain("rollbackd", _cli.Out);

        _cli.InitAndCommit();
        _cli.RunOk("repo", "add", _cli.Repo, _cli.Source("one.txt", "1"));
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys);
        Assert.Contains(", 1 target file written", _cli.Out);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
