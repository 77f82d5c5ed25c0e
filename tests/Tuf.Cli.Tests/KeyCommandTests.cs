using Tuf.Signing;

namespace Tuf.Cli.Tests;

[Collection(RepoCliCollection.Name)]
public sealed class KeyCommandTests : IDisposable
{
    private readonly RepoCli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void GenerateListExport_Ed25519AndEcdsa_Work()
    {
        _cli.RunOk("key", "generate", "alice", "--keystore", _cli.Keys);
        _cli.RunOk("key", "generate", "bob", "--type", "ecdsa-p256", "--keystore", _cli.Keys);
        _cli.RunOk("key", "list", "--keystore", _cli.Keys);
        Assert.Contains("alice\ted25519\t", _cli.Out);
        Assert.Contains("bob\tecdsa-sha2-nistp256\t", _cli.Out);

        string json = Path.Combine(_cli.Root, "bob.json");
        string pem = Path.Combine(_cli.Root, "bob.pem");
        _cli.RunOk("key", "export", "bob", "--keystore", _cli.Keys, "--output", json);
        _cli.RunOk("key", "export", "bob", "--format", "pem", "--keystore", _cli.Keys, "--output", pem);
        string keyId = new KeyStore(_cli.Keys).Get("bob").KeyId;
        Assert.Equal(keyId, PublicKeys.Load(json).ComputeKeyId());
        Assert.Equal(keyId, PublicKeys.Load(pem).ComputeKeyId());

        _cli.RunOk("key", "export", "alice", "--keystore", _cli.Keys);
        Assert.Contains("\"keytype\": \"ed25519\"", _cli.Out);
    }

    [Fact]
    public void Generate_UnknownType_UsageError()
    {
        Assert.Equal(2, _cli.Run("key", "generate", "x", "--type", "dsa", "--keystore", _cli.Keys));
        Assert.False(Directory.Exists(_cli.Keys));
    }

    [Fact]
    public void Generate_ExistingName_FailsWithOneLine()
    {
        _cli.RunOk("key", "generate", "alice", "--keystore", _cli.Keys);
        Assert.Equal(1, _cli.Run("key", "generate", "alice", "--keystore", _cli.Keys));
        Assert.Equal("tuf: key 'alice' already exists in " + _cli.Keys + "\n", _cli.Err.Replace("\r", ""));
    }

    [Fact]
    public void Import_PemPrivateKey_AndExportMissing_Fails()
    {
        string pem = _cli.Source("k.pem", System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKeyPem());
        _cli.RunOk("key", "import", "imported", pem, "--keystore", _cli.Keys);
        Assert.Contains("imported ecdsa/ecdsa-sha2-nistp256", _cli.Out);
        Assert.Equal(1, _cli.Run("key", "export", "nobody", "--keystore", _cli.Keys));
        Assert.StartsWith("tuf: no key named 'nobody'", _cli.Err);
    }
}
