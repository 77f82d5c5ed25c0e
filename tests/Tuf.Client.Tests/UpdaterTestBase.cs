using Microsoft.Extensions.Time.Testing;
using Tuf.Testing;

namespace Tuf.Client.Tests;

/// <summary>A simulator, a temp metadata/target directory and helpers to run updaters against them.</summary>
public abstract class UpdaterTestBase : IDisposable
{
    protected UpdaterTestBase()
    {
        Sim = new RepositorySimulator(Now);
        TempDir = Directory.CreateTempSubdirectory("tuf-client-tests-").FullName;
        MetadataDir = Path.Combine(TempDir, "metadata");
        TargetDir = Path.Combine(TempDir, "targets");
        Directory.CreateDirectory(MetadataDir);
        Directory.CreateDirectory(TargetDir);
        File.WriteAllBytes(Path.Combine(MetadataDir, "root.json"), Sim.SignedRoots[0]);
    }

    protected static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    protected RepositorySimulator Sim { get; set; }

    protected FakeTimeProvider Clock { get; } = new(Now);

    protected string TempDir { get; }

    protected string MetadataDir { get; }

    protected string TargetDir { get; }

    /// <summary>How updaters made by <see cref="NewUpdater"/> fetch: the simulator itself (which honours length caps) by default.</summary>
    protected virtual IFetcher Fetcher => Sim;

    protected Updater NewUpdater(UpdaterOptions? options = null, byte[]? bootstrap = null)
    {
        options ??= new UpdaterOptions();
        options.TimeProvider = Clock;
        return new Updater(MetadataDir, RepositorySimulator.MetadataBaseUrl, TargetDir, RepositorySimulator.TargetsBaseUrl, bootstrap, Fetcher, options);
    }

    protected async Task RefreshAsync(UpdaterOptions? options = null)
    {
        using var updater = NewUpdater(options);
        await updater.RefreshAsync(CancellationToken.None);
    }

    protected byte[]? LocalBytes(string role)
    {
        string path = Path.Combine(MetadataDir, MetadataStore.FileNameOf(role));
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    protected long? LocalVersion(string role) =>
        LocalBytes(role) is { } bytes ? MetadataParser.Parse<Signed>(bytes).Signed.Version : null;

    /// <summary>Snapshot of every file in the metadata directory (name → bytes).</summary>
    protected Dictionary<string, byte[]> MetadataState() =>
        Directory.GetFiles(MetadataDir).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);

    protected void AssertMetadataState(Dictionary<string, byte[]> expected)
    {
        var actual = MetadataState();
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bytes) in expected)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"{name} changed");
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(TempDir, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }
}
