using Tuf.Cli.Commands;
using Tuf.Rollout;
using Tuf.Rollout.Tests;
using Tuf.Testing;
using Xunit.Abstractions;

namespace Tuf.Cli.Tests;

/// <summary>
/// <c>tuf rollout start</c> with the real TUF client (over the in-memory repository simulator): v1 rolls out from a
/// good repository; then the repository misbehaves and no instance is touched, exit 1 with the TUF error.
/// </summary>
[Collection(RolloutCliCollection.Name)]
public sealed class RolloutRepositoryTests(ITestOutputHelper output) : IDisposable
{
    private const string Target = "app.tar.gz";
    private readonly RolloutTestKit _kit = new(2);
    private readonly RepositorySimulator _sim = new();
    private readonly StringWriter _err = new();

    public void Dispose()
    {
        _kit.Dispose();
        _err.Dispose();
    }

    private int Start()
    {
        var root = Path.Combine(_kit.Root, "root.json");
        File.WriteAllBytes(root, _sim.SignedRoots[0]);
        RolloutCommand.SourceFactory = (source, downloads) => new UpdaterArtifactSource(source, downloads, _sim);
        string[] args =
        [
            "rollout", "start", "--group", _kit.GroupPath, "--target", Target,
            "--metadata-url", RepositorySimulator.MetadataBaseUrl.AbsoluteUri, "--targets-url", RepositorySimulator.TargetsBaseUrl.AbsoluteUri,
            "--metadata-dir", Path.Combine(_kit.Root, "trusted"), "--root", root,
            "--parallelism", "0", "--monitor", "300ms", "--health-interval", "50ms",
        ];
        var previous = Console.Error;
        Console.SetError(_err);
        try
        {
            return Program.Run(args);
        }
        finally
        {
            Console.SetError(previous);
            output.WriteLine(_err.ToString());
        }
    }

    private void Publish(string version)
    {
        _sim.AddTarget("targets", RolloutTestKit.Release(version), Target);
        _sim.Targets.Version++;
        _sim.UpdateSnapshot();
    }

    private byte[] JournalBytes() => File.ReadAllBytes(RolloutJournal.PathIn(_kit.Group.StateDirectory));

    private async Task<RolloutJournal> StartV1Async()
    {
        Publish("v1");
        Assert.Equal(0, Start());
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("v1", await _kit.ServedVersionAsync(i));
        }

        return RolloutJournal.Load(_kit.Group.StateDirectory)!;
    }

    private async Task AssertUntouchedAsync(RolloutJournal v1, byte[] journalBefore)
    {
        Assert.Equal(journalBefore, JournalBytes());
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("v1", await _kit.ServedVersionAsync(i));
            Assert.Equal(v1.Sha256, _kit.Provider.GetInstalled(_kit.Provider.Instances[i]));
        }
    }

    [Fact]
    public async Task Start_TargetBytesDoNotMatchSignedHashes_ExitsOneAndTouchesNoInstance()
    {
        var v1 = await StartV1Async();
        var journal = JournalBytes();
        Publish("v2");
        _sim.Tamper = (path, bytes) => path.EndsWith(Target, StringComparison.Ordinal) ? [.. bytes[..^1], (byte)(bytes[^1] ^ 1)] : bytes;

        Assert.Equal(1, Start());
        Assert.Contains("tuf:", _err.ToString());
        await AssertUntouchedAsync(v1, journal);
    }

    [Fact]
    public async Task Start_ExpiredTimestamp_ExitsOneAndTouchesNoInstance()
    {
        var v1 = await StartV1Async();
        var journal = JournalBytes();
        Publish("v2");
        _sim.Timestamp.Expires = _sim.Now.AddDays(-1);
        _sim.UpdateTimestamp();

        Assert.Equal(1, Start());
        Assert.Contains("expired", _err.ToString(), StringComparison.OrdinalIgnoreCase);
        await AssertUntouchedAsync(v1, journal);
    }

    [Fact]
    public async Task Start_RolledBackRepository_ExitsOneAndTouchesNoInstance()
    {
        var v1 = await StartV1Async();
        var journal = JournalBytes();
        Publish("v2");
        _sim.Timestamp.Version = 1; // older than the timestamp the client already trusts

        Assert.Equal(1, Start());
        Assert.Contains("version", _err.ToString(), StringComparison.OrdinalIgnoreCase);
        await AssertUntouchedAsync(v1, journal);
    }
}
