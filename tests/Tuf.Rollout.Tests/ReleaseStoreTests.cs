using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Tuf.Rollout;

namespace Tuf.Rollout.Tests;

public sealed class ReleaseStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tuf-release-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private VerifiedArtifact Artifact(byte[] bytes, string name = "app.tar.gz", string? sha = null)
    {
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "artifact-" + Guid.NewGuid().ToString("N"));
        System.IO.File.WriteAllBytes(path, bytes);
        return new VerifiedArtifact(name, path, bytes.Length, sha ?? Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    private static byte[] TarGz(Action<TarWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            write(tar);
        }

        return buffer.ToArray();
    }

    private static void Entry(TarWriter tar, string name, string content = "x") =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });

    private static void Link(TarWriter tar, TarEntryType type, string name, string target) =>
        tar.WriteEntry(new PaxTarEntry(type, name) { LinkName = target });

    private ReleaseStore Store() => new(Path.Combine(_dir, "instance"));

    [Fact]
    public void PrepareActivate_Archive_UnpacksIntoReleasesShaAndSwapsCurrent()
    {
        var artifact = Artifact(TarGz(t => { Entry(t, "./run.sh", "echo hi"); Entry(t, "lib/a.txt", "a"); Link(t, TarEntryType.SymbolicLink, "lib/b", "a.txt"); }));
        var store = Store();
        store.Prepare(artifact);
        Assert.Null(store.GetCurrent());
        store.Activate(artifact.Sha256);

        Assert.Equal(artifact.Sha256, store.GetCurrent());
        Assert.Equal("echo hi", System.IO.File.ReadAllText(Path.Combine(store.CurrentLink, "run.sh")));
        Assert.Equal("a", System.IO.File.ReadAllText(Path.Combine(store.CurrentLink, "lib", "b")));
        Assert.Equal(Path.Combine("releases", artifact.Sha256), new FileInfo(store.CurrentLink).LinkTarget);
        Assert.Null(store.FindMismatch(artifact.Sha256));
    }

    [Fact]
    public void Prepare_SingleFile_CopiedUnderItsName()
    {
        var artifact = Artifact(Encoding.UTF8.GetBytes("#!/bin/sh\n"), "bin/tool.sh");
        var store = Store();
        store.Prepare(artifact);
        store.Activate(artifact.Sha256);
        Assert.Equal("#!/bin/sh\n", System.IO.File.ReadAllText(Path.Combine(store.CurrentLink, "tool.sh")));
    }

    [Fact]
    public void Prepare_BytesDifferFromVerifiedHash_ThrowsAndInstallsNothing()
    {
        var good = TarGz(t => Entry(t, "a"));
        var artifact = Artifact(good) with { };
        System.IO.File.WriteAllBytes(artifact.LocalPath, TarGz(t => Entry(t, "a", "tampered-same-len?")));
        var store = Store();
        Assert.Throws<LengthOrHashMismatchException>(() => store.Prepare(artifact));
        Assert.False(Directory.Exists(store.ReleaseDir(artifact.Sha256)));
    }

    [Fact]
    public void Prepare_SameLengthDifferentBytes_Throws()
    {
        var bytes = Encoding.UTF8.GetBytes("hello");
        var artifact = Artifact(bytes, "f.txt");
        System.IO.File.WriteAllBytes(artifact.LocalPath, Encoding.UTF8.GetBytes("hellp"));
        Assert.Throws<LengthOrHashMismatchException>(() => Store().Prepare(artifact));
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("a/../../evil")]
    [InlineData("/etc/evil")]
    public void Prepare_EntryEscapingTheFolder_Rejected(string name)
    {
        var artifact = Artifact(TarGz(t => Entry(t, name)));
        Assert.Throws<InvalidDataException>(() => Store().Prepare(artifact));
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "evil")));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../../outside")]
    [InlineData("../..")]
    public void Prepare_SymlinkPointingOut_Rejected(string target)
    {
        var artifact = Artifact(TarGz(t => Link(t, TarEntryType.SymbolicLink, "link", target)));
        Assert.Throws<InvalidDataException>(() => Store().Prepare(artifact));
    }

    [Fact]
    public void Prepare_WriteThroughSymlink_Rejected()
    {
        // "dir" -> "." stays inside, but writing "dir/x" through it is refused (no writing through links).
        var artifact = Artifact(TarGz(t => { Link(t, TarEntryType.SymbolicLink, "dir", "."); Entry(t, "dir/x"); }));
        Assert.Throws<InvalidDataException>(() => Store().Prepare(artifact));
    }

    [Fact]
    public void Prepare_HardLinkOutsideTheArchive_Rejected()
    {
        var artifact = Artifact(TarGz(t => Link(t, TarEntryType.HardLink, "h", "/etc/passwd")));
        Assert.Throws<InvalidDataException>(() => Store().Prepare(artifact));
    }

    [Fact]
    public void Prepare_DeviceEntry_Rejected()
    {
        var artifact = Artifact(TarGz(t => t.WriteEntry(new PaxTarEntry(TarEntryType.Fifo, "fifo"))));
        Assert.Throws<InvalidDataException>(() => Store().Prepare(artifact));
    }

    [Fact]
    public void FindMismatch_TamperedAddedOrRemovedFile_Detected_AndPrepareRepairs()
    {
        var artifact = Artifact(TarGz(t => { Entry(t, "a", "1"); Entry(t, "b", "2"); }));
        var store = Store();
        store.Prepare(artifact);
        store.Activate(artifact.Sha256);
        var release = store.ReleaseDir(artifact.Sha256);

        System.IO.File.WriteAllText(Path.Combine(release, "a"), "9");
        Assert.Contains("'a'", store.FindMismatch(artifact.Sha256));
        System.IO.File.WriteAllText(Path.Combine(release, "a"), "1");
        Assert.Null(store.FindMismatch(artifact.Sha256));
        System.IO.File.WriteAllText(Path.Combine(release, "extra"), "");
        Assert.Contains("extra", store.FindMismatch(artifact.Sha256));
        System.IO.File.Delete(Path.Combine(release, "extra"));
        System.IO.File.Delete(Path.Combine(release, "b"));
        Assert.NotNull(store.FindMismatch(artifact.Sha256));
        Assert.Throws<InvalidOperationException>(() => store.Activate(artifact.Sha256));

        store.Prepare(artifact);
        Assert.Null(store.FindMismatch(artifact.Sha256));
        Assert.Equal("2", System.IO.File.ReadAllText(Path.Combine(store.CurrentLink, "b")));
    }

    [Fact]
    public async Task Activate_SwapsBetweenReleasesAtomically_CurrentAlwaysResolves()
    {
        var v1 = Artifact(TarGz(t => Entry(t, "v", "1")));
        var v2 = Artifact(TarGz(t => Entry(t, "v", "2")));
        var store = Store();
        store.Prepare(v1);
        store.Prepare(v2);
        store.Activate(v1.Sha256);
        using var cts = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(() =>
        {
            while (!cts.IsCancellationRequested)
            {
                var text = System.IO.File.ReadAllText(Path.Combine(store.CurrentLink, "v"));
                Assert.True(text is "1" or "2");
                Interlocked.Increment(ref reads);
            }
        });
        for (var i = 0; i < 200 || (Volatile.Read(ref reads) < 20 && i < 200_000); i++)
        {
            store.Activate(i % 2 == 0 ? v2.Sha256 : v1.Sha256);
        }

        await cts.CancelAsync();
        await reader;
        Assert.True(reads > 0);
        Assert.NotNull(store.GetCurrent());
    }
}
