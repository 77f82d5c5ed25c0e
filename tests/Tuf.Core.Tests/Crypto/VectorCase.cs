using System.Text.Json;

namespace Tuf.Core.Tests.Crypto;

/// <summary>One signature vector folder: key.json, data, sig.hex, expected.json.</summary>
internal sealed record VectorCase(Key Key, byte[] Data, byte[] Signature, bool SignatureHexValid, bool Expected)
{
    public static VectorCase Load(string dir)
    {
        using var keyDoc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "key.json")));
        var k = keyDoc.RootElement;
        var key = new Key
        {
            KeyType = k.GetProperty("keytype").GetString()!,
            Scheme = k.GetProperty("scheme").GetString()!,
            Public = k.GetProperty("keyval").GetProperty("public").GetString()!,
        };
        var hex = File.ReadAllText(Path.Combine(dir, "sig.hex")).Trim();
        bool hexOk = Tuf.Hex.TryDecode(hex, out var sig);
        using var expectedDoc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "expected.json")));
        return new VectorCase(key, File.ReadAllBytes(Path.Combine(dir, "data")), sig ?? [], hexOk, expectedDoc.RootElement.GetProperty("valid").GetBoolean());
    }

    public bool Verify() => SignatureHexValid && Key.Verify(Data, Signature);
}
