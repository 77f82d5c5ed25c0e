using Tuf.Testing;

namespace Tuf.Cli.Tests;

/// <summary><c>tuf notary list|lookup|verify</c> against a real notary-server after the real notary CLI published.</summary>
[Collection(RepoCliCollection.Name)]
public sealed class NotaryCommandTests : IDisposable
{
    private const string Gun = "example.com/app";
    private readonly RepoCli _cli = new();

    public void Dispose() => _cli.Dispose();

    [SkippableFact]
    public async Task List_lookup_and_verify_read_what_the_real_notary_cli_published()
    {
        Skip.IfNot(NotaryServerProcess.Available, NotaryServerProcess.MissingMessage);
        await using var notary = await NotaryServerProcess.StartAsync();
        string cliTrust = Path.Combine(_cli.Root, "notary-cli");
        Directory.CreateDirectory(cliTrust);
        string hello = Path.Combine(cliTrust, "hello.txt");
        File.WriteAllText(hello, "hello\n");
        foreach (var args in new[] { new[] { "init", Gun, "-p" }, ["add", Gun, "hello", "hello.txt"], ["publish", Gun] })
        {
            var result = await NotaryServerProcess.RunCliAsync(notary.Url, cliTrust, args);
            Assert.True(result.ExitCode == 0, $"notary {string.Join(' ', args)}: {result.StdErr}");
        }

        string trust = Path.Combine(_cli.Root, "trust");
        string[] common = ["--server", notary.Url, "--trust-dir", trust];
        _cli.RunOk(["notary", "list", .. common, Gun]);
        Assert.Matches(@"hello\s+5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\s+6\s+targets", _cli.Out);

        _cli.RunOk(["notary", "lookup", .. common, Gun, "hello"]);
        Assert.Equal("hello sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03 6 targets", _cli.Out.Trim());

        _cli.RunOk(["notary", "verify", .. common, Gun, "hello", hello]);
        Assert.StartsWith($"verified: {hello} is the signed target hello of {Gun}", _cli.Out, StringComparison.Ordinal);

        string tampered = Path.Combine(_cli.Root, "tampered.txt");
        File.WriteAllText(tampered, "hellO\n");
        Assert.Equal(1, _cli.Run(["notary", "verify", .. common, Gun, "hello", tampered]));
        Assert.Contains("is not the signed target hello of example.com/app: same length but its hashes differ", _cli.Err, StringComparison.Ordinal);

        Assert.Equal(1, _cli.Run(["notary", "lookup", .. common, Gun, "nope"]));
        Assert.Contains("target 'nope' is not in the verified targets of example.com/app", _cli.Err, StringComparison.Ordinal);

        Assert.Equal(1, _cli.Run(["notary", "list", .. common, "example.com/none"]));
        Assert.Contains("the server has no trust data for example.com/none", _cli.Err, StringComparison.Ordinal);

        // migrate: the verified targets staged in a TUF 1.0 repository, then signed and published with its keys.
        _cli.InitAndCommit();
        _cli.RunOk(["notary", "migrate", .. common, Gun, _cli.Repo]);
        Assert.Contains("staged 1 target(s) from example.com/app", _cli.Out, StringComparison.Ordinal);
        _cli.RunOk("repo", "commit", _cli.Repo, "--key", "targets", "snapshot", "timestamp", "--keystore", _cli.Keys);
        _cli.RunOk("repo", "list", _cli.Repo, "--json");
        Assert.Contains("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03", _cli.Out, StringComparison.Ordinal);
        Assert.Contains("\"gun\": \"example.com/app\"", _cli.Out, StringComparison.Ordinal);
        Assert.Equal(1, _cli.Run(["notary", "migrate", .. common, Gun, Path.Combine(_cli.Root, "no-repo")]));

        Assert.Equal(2, _cli.Run(["notary", "list", .. common, "../escape"]));
        Assert.Contains("is not a collection name", _cli.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_cli.Root, "escape")));
    }
}
