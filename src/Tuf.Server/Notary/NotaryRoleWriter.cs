using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Tuf.Notary;
using Tuf.Server.Publishing;

namespace Tuf.Server.Notary;

/// <summary>
/// Writes and signs the roles the server signs in a Notary collection: the timestamp (always) and the snapshot (when
/// the root names the server's snapshot key, e.g. after <c>notary key rotate GUN snapshot -r</c>), in Notary's form:
/// meta entries with <c>length</c> and base64 <c>sha256</c>/<c>sha512</c>, the signature over the canonical
/// <c>signed</c> bytes, <c>{"keyid", "method", "sig"}</c>.
/// </summary>
internal static class NotaryRoleWriter
{
    /// <summary>A snapshot listing <paramref name="files"/> (role name, without <c>.json</c>, to its exact bytes).</summary>
    public static byte[] Snapshot(long version, DateTimeOffset expires, IReadOnlyDictionary<string, byte[]> files, OnlineKey key) =>
        Sign("Snapshot", version, expires, files, key);

    /// <summary>A timestamp listing <paramref name="snapshot"/>.</summary>
    public static byte[] Timestamp(long version, DateTimeOffset expires, byte[] snapshot, OnlineKey key) =>
        Sign("Timestamp", version, expires, new Dictionary<string, byte[]>(StringComparer.Ordinal) { ["snapshot"] = snapshot }, key);

    /// <summary>The length and hashes a snapshot or timestamp lists for a file.</summary>
    public static NotaryFileMeta Meta(byte[] data) => new(data.Length, new Dictionary<string, byte[]>(StringComparer.Ordinal)
    {
        ["sha256"] = SHA256.HashData(data),
        ["sha512"] = SHA512.HashData(data),
    });

    private static byte[] Sign(string type, long version, DateTimeOffset expires, IReadOnlyDictionary<string, byte[]> files, OnlineKey key)
    {
        var signed = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(signed))
        {
            w.WriteStartObject();
            w.WriteString("_type", type);
            w.WriteString("expires", expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteStartObject("meta");
            foreach (var (role, data) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                w.WriteStartObject(role);
                w.WriteStartObject("hashes");
                w.WriteBase64String("sha256", SHA256.HashData(data));
                w.WriteBase64String("sha512", SHA512.HashData(data));
                w.WriteEndObject();
                w.WriteNumber("length", data.Length);
                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteNumber("version", version);
            w.WriteEndObject();
        }

        // What Notary verifies is the canonical re-encoding of the parsed object: sign exactly that.
        byte[] canonical = NotaryMetadata.Canonicalize(signed.WrittenMemory);
        var notaryKey = NotaryDialect.ToNotaryKey(key.PublicKey);
        byte[] signature = key.SignForNotary(canonical);
        var file = new ArrayBufferWriter<byte>(canonical.Length + 256);
        using (var w = new Utf8JsonWriter(file))
        {
            w.WriteStartObject();
            w.WritePropertyName("signed");
            w.WriteRawValue(canonical, skipInputValidation: true);
            w.WriteStartArray("signatures");
            w.WriteStartObject();
            w.WriteString("keyid", notaryKey.Id);
            w.WriteString("method", NotaryDialect.MethodFor(key.PublicKey));
            w.WriteBase64String("sig", signature);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return file.WrittenSpan.ToArray();
    }
}
