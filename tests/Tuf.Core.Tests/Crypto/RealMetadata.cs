using System.Text;
using System.Text.Json;

namespace Tuf.Core.Tests.Crypto;

/// <summary>
/// The parts of a real metadata file the signature tests need: the canonical bytes of <c>signed</c>, the signatures,
/// and (for roots and delegating targets) keys and roles.
/// </summary>
/// <remarks>
/// TEMPORARY: a minimal test-only reader and canonical encoder, used until MetadataParser lands on main; it is then
/// replaced by <c>MetadataParser.Parse</c> so the library's own encoder is what these tests exercise.
/// </remarks>
internal sealed record RealMetadata(byte[] SignedBytes, IList<Signature> Signatures, Dictionary<string, Key> Keys, Dictionary<string, Role> Roles)
{
    public static RealMetadata Load(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var signed = doc.RootElement.GetProperty("signed");
        var signatures = doc.RootElement.GetProperty("signatures").EnumerateArray()
            .Select(s => new Signature(s.GetProperty("keyid").GetString()!, s.GetProperty("sig").GetString()!)).ToList();

        var keys = new Dictionary<string, Key>(StringComparer.Ordinal);
        var roles = new Dictionary<string, Role>(StringComparer.Ordinal);
        var keyHolder = signed;
        if (signed.TryGetProperty("delegations", out var delegations))
        {
            keyHolder = delegations;
        }

        if (keyHolder.TryGetProperty("keys", out var keysElement))
        {
            foreach (var k in keysElement.EnumerateObject())
            {
                keys[k.Name] = new Key
                {
                    KeyType = k.Value.GetProperty("keytype").GetString()!,
                    Scheme = k.Value.GetProperty("scheme").GetString()!,
                    Public = k.Value.GetProperty("keyval").GetProperty("public").GetString()!,
                };
            }
        }

        if (keyHolder.TryGetProperty("roles", out var rolesElement))
        {
            var entries = rolesElement.ValueKind == JsonValueKind.Array
                ? rolesElement.EnumerateArray().Select(r => (r.GetProperty("name").GetString()!, r))
                : rolesElement.EnumerateObject().Select(p => (p.Name, p.Value));
            foreach (var (name, r) in entries)
            {
                roles[name] = new Role
                {
                    KeyIds = [.. r.GetProperty("keyids").EnumerateArray().Select(e => e.GetString()!)],
                    Threshold = r.GetProperty("threshold").GetInt32(),
                };
            }
        }

        var buffer = new MemoryStream();
        Canonical(signed, buffer);
        return new RealMetadata(buffer.ToArray(), signatures, keys, roles);
    }

    public int Count(RealMetadata signer, string role) => ThresholdVerifier.CountValid(SignedBytes, Signatures, signer.Roles[role], signer.Keys);

    private static void Canonical(JsonElement e, MemoryStream output)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                output.WriteByte((byte)'{');
                bool first = true;
                foreach (var p in e.EnumerateObject().OrderBy(p => Encoding.UTF8.GetBytes(p.Name), Utf8Order.Instance))
                {
                    if (!first)
                    {
                        output.WriteByte((byte)',');
                    }

                    first = false;
                    CanonicalString(p.Name, output);
                    output.WriteByte((byte)':');
                    Canonical(p.Value, output);
                }

                output.WriteByte((byte)'}');
                break;
            case JsonValueKind.Array:
                output.WriteByte((byte)'[');
                int i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (i++ > 0)
                    {
                        output.WriteByte((byte)',');
                    }

                    Canonical(item, output);
                }

                output.WriteByte((byte)']');
                break;
            case JsonValueKind.String:
                CanonicalString(e.GetString()!, output);
                break;
            default:
                output.Write(Encoding.UTF8.GetBytes(e.GetRawText()));
                break;
        }
    }

    private static void CanonicalString(string s, MemoryStream output)
    {
        output.WriteByte((byte)'"');
        output.Write(Encoding.UTF8.GetBytes(s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)));
        output.WriteByte((byte)'"');
    }

    private sealed class Utf8Order : IComparer<byte[]>
    {
        public static readonly Utf8Order Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
