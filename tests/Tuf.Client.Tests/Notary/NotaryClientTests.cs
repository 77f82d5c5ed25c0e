using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Tuf.Client.Notary;
using Tuf.Testing;

namespace Tuf.Client.Tests.Notary;

/// <summary>
/// <see cref="NotaryClient"/> against collections the real notary 0.7 programs wrote: served as recorded
/// (spec-vectors/notary-0.7, with any byte changed) and live from a real notary-server.
/// </summary>
public sealed class NotaryClientTests : IDisposable
{
    private const string Gun = "example.com/app";
    private readonly string _trust = Directory.CreateTempSubdirectory("notary-trust-").FullName;

    // The recorded v1 timestamp is valid for 14 days from 2026-12-07.
    private static readonly DateTimeOffset RecordedAt = new(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);

    public void Dispose() => Directory.Delete(_trust, recursive: true);

    private static string VectorDir => Path.Combine(SharedVectors.RepoRoot, "spec-vectors", "notary-0.7", "example.com-app");

    /// <summary>The v1 collection as notary-server serves it: by name, by checksum and by version.</summary>
    private static Dictionary<string, byte[]> Served(string state = "v1", Func<string, byte[], byte[]>? change = null)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var role in new[] { "root", "timestamp", "snapshot", "targets", "targets/releases" })
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(VectorDir, state, role + ".json"));
            bytes = change?.Invoke(role, bytes) ?? bytes;
            files[role + ".json"] = bytes;
            files[$"{role}.{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(VectorDir, state, role + ".json"))))}.json"] = bytes;
        }

        for (int n = 1; n <= 3; n++)
        {
            files[$"{n}.root.json"] = File.ReadAllBytes(Path.Combine(VectorDir, $"{n}.root.json"));
        }

        return files;
    }

    private static RepositorySimulatorServer Serve(Dictionary<string, byte[]> files) => RepositorySimulatorServer.Start(path =>
    {
        const string prefix = "v2/example.com/app/_trust/tuf/";
        string name = Uri.UnescapeDataString(path.TrimStart('/'));
        return name.StartsWith(prefix, StringComparison.Ordinal) && files.TryGetValue(name[prefix.Length..], out var bytes)
            ? new ServerResponse(200, bytes)
            : ServerResponse.NotFound;
    });

    private NotaryClient Client(Uri server, DateTimeOffset? now = null) =>
        new(server, Gun, _trust, new NotaryClientOptions { Transport = new UpdaterOptions { TimeProvider = new FakeTimeProvider(now ?? RecordedAt) } });

    [Fact]
    public async Task Reads_a_recorded_collection_with_its_delegation()
    {
        await using var server = Serve(Served());
        using var client = Client(server.BaseUrl);
        var data = await client.RefreshAsync();

        Assert.Equal(["targets", "targets/releases"], data.Roles);
        var hello = data.Find("hello")!;
        Assert.Equal("targets", hello.Role);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData("hello\n"u8)), hello.Meta.Sha256Hex);
        Assert.Equal("targets/releases", data.Find("rel/v2")!.Role);
        Assert.NotNull(data.Find("a<b>&c é/\"q\"\\x"));
        Assert.True(File.Exists(Path.Combine(_trust, Gun, "root.json")));
        Assert.True(File.Exists(Path.Combine(_trust, Gun, "targets", "releases.json")));

        // Snapshot and targets were fetched by checksum, as Notary's client does.
        Assert.Contains(server.Requests, r => r.Contains("/snapshot.", StringComparison.Ordinal) && r.EndsWith(".json", StringComparison.Ordinal) && r.Length > 80);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("timestamp")]
    [InlineData("snapshot")]
    [InlineData("targets")]
    [InlineData("targets/releases")]
    public async Task A_changed_byte_in_any_role_is_refused(string tampered)
    {
        var files = Served(change: (role, bytes) => role == tampered ? ChangeSignature(bytes) : bytes);
        await using var server = Serve(files);
        using var client = Client(server.BaseUrl);
        await Assert.ThrowsAnyAsync<TufException>(() => client.RefreshAsync());
    }

    [Fact]
    public async Task An_expired_timestamp_is_refused()
    {
        await using var server = Serve(Served());
        using var client = Client(server.BaseUrl, RecordedAt.AddDays(30));
        var error = await Assert.ThrowsAsync<ExpiredMetadataException>(() => client.RefreshAsync());
        Assert.Contains("timestamp.json expired", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_root_of_another_collection_is_not_trusted_on_first_use()
    {
        await using var server = Serve(Served());
        using var client = new NotaryClient(server.BaseUrl, "example.com/other", _trust,
            new NotaryClientOptions { Transport = new UpdaterOptions { TimeProvider = new FakeTimeProvider(RecordedAt) } });

        // The server answers for example.com/app only; serve its files under the other name too.
        server.Handler = path => RepositorySimulatorServer.ServeDirectory(VectorDir, "v1/" + Path.GetFileName(path));
        var error = await Assert.ThrowsAnyAsync<TufException>(() => client.RefreshAsync());
        Assert.Contains("no root key is a certificate for example.com/other", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_trust, "example.com/other", "root.json")));
    }

    [Fact]
    public async Task A_server_going_back_to_an_older_root_is_a_rollback()
    {
        await using (var server = Serve(Served("v2")))
        {
            using var client = Client(server.BaseUrl);
            Assert.Equal(3, (await client.RefreshAsync()).RootVersion); // first use trusts root version 3
        }

        await using (var server = Serve(Served("v1")))
        {
            using var client = Client(server.BaseUrl);
            var error = await Assert.ThrowsAsync<BadVersionNumberException>(() => client.RefreshAsync());
            Assert.Contains("version 1 is older than the trusted version 3", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Root_rotations_are_walked_from_the_trusted_root()
    {
        // Trust version 1 (given out of band), then read the collection whose root is version 3.
        await using var server = Serve(Served("v2"));
        using var client = new NotaryClient(server.BaseUrl, Gun, _trust, new NotaryClientOptions
        {
            RootFile = Path.Combine(VectorDir, "1.root.json"),
            Transport = new UpdaterOptions { TimeProvider = new FakeTimeProvider(RecordedAt) },
        });
        var data = await client.RefreshAsync();
        Assert.Equal(3, data.RootVersion);
        Assert.Contains(server.Requests, r => r.EndsWith("/2.root.json", StringComparison.Ordinal));
        Assert.Equal("targets/releases", data.Find("rel/v3")!.Role);
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Reads_what_the_real_notary_cli_published_to_a_real_notary_server(bool withSigner)
    {
        Skip.IfNot(NotaryServerProcess.Available, NotaryServerProcess.MissingMessage);
        await using var notary = await NotaryServerProcess.StartAsync(withSigner);
        string cliTrust = Path.Combine(_trust, "cli");
        Directory.CreateDirectory(cliTrust);
        File.WriteAllText(Path.Combine(cliTrust, "hello.txt"), "hello\n");
        await Run(notary, cliTrust, "init", Gun, "-p");
        await Run(notary, cliTrust, "add", Gun, "hello", "hello.txt");
        await Run(notary, cliTrust, "publish", Gun);

        string ours = Path.Combine(_trust, "ours");
        using var client = new NotaryClient(new Uri(notary.Url), Gun, ours);
        var data = await client.RefreshAsync();
        var hello = Assert.Single(data.Targets);
        Assert.Equal("hello", hello.Name);
        Assert.True(NotaryClient.FileMatches(hello, Path.Combine(cliTrust, "hello.txt")));
        File.WriteAllText(Path.Combine(cliTrust, "other.txt"), "hellO\n");
        Assert.False(NotaryClient.FileMatches(hello, Path.Combine(cliTrust, "other.txt")));

        // The server takes over snapshot and timestamp keys (root rotates twice); a new target appears.
        await Run(notary, cliTrust, "key", "rotate", Gun, "snapshot", "-r");
        await Run(notary, cliTrust, "key", "rotate", Gun, "timestamp", "-r");
        File.WriteAllText(Path.Combine(cliTrust, "v2.txt"), "v2\n");
        await Run(notary, cliTrust, "add", Gun, "v2", "v2.txt");
        await Run(notary, cliTrust, "publish", Gun);
        var after = await client.RefreshAsync();
        Assert.Equal(3, after.RootVersion);
        Assert.Equal(["hello", "v2"], after.Targets.Select(t => t.Name));

        // Through notary-signer the server's keys are ECDSA P-256 (raw r||s signatures); its local signer uses Ed25519.
        using (var http = new HttpClient())
        {
            var timestamp = Tuf.Notary.NotaryMetadata.Parse(await http.GetByteArrayAsync(new Uri($"{notary.Url}/v2/{Gun}/_trust/tuf/timestamp.json")), "Timestamp", "timestamp.json");
            Assert.Equal(withSigner ? "ecdsa" : "eddsa", Assert.Single(timestamp.Signatures).Method);
        }

        var list = await Run(notary, cliTrust, "list", Gun);
        Assert.Contains(after.Find("v2")!.Meta.Sha256Hex!, list.StdOut, StringComparison.Ordinal);
    }

    private static async Task<ChildProcess.Result> Run(NotaryServerProcess notary, string trust, params string[] args)
    {
        var result = await NotaryServerProcess.RunCliAsync(notary.Url, trust, args);
        Assert.True(result.ExitCode == 0, $"notary {string.Join(' ', args)}: exit {result.ExitCode}\n{result.StdOut}\n{result.StdErr}");
        return result;
    }

    /// <summary>Changes one character of the first signature (a valid base64 character for another).</summary>
    private static byte[] ChangeSignature(byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes);
        int at = text.IndexOf("\"sig\":\"", StringComparison.Ordinal) + 7;
        char replacement = text[at + 4] == 'A' ? 'B' : 'A';
        return Encoding.UTF8.GetBytes(text[..(at + 4)] + replacement + text[(at + 5)..]);
    }
}
