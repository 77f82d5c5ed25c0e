using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tuf.Testing;
using Xunit.Abstractions;

namespace Tuf.Core.Tests.Json;

/// <summary>Every case of <c>vectors/canonical-json/cases.json</c> (checked against securesystemslib).</summary>
public class CanonicalJsonCasesTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        var path = SharedVectors.Directory is null ? null : SharedVectors.PathOf("canonical-json", "cases.json");
        if (path is null || !File.Exists(path))
        {
            data.Add(string.Empty);
            return data;
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }

        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Encode_SharedCase_MatchesSecuresystemslib(string name)
    {
        Skip.If(name.Length == 0, SharedVectors.MissingMessage);

        using var doc = JsonDocument.Parse(File.ReadAllBytes(SharedVectors.PathOf("canonical-json", "cases.json")));
        var c = doc.RootElement.GetProperty("cases").EnumerateArray().Single(x => x.GetProperty("name").GetString() == name);
        byte[] input = Encoding.UTF8.GetBytes(c.GetProperty("input_json").GetString()!);

        // Python keeps the last duplicate; a strict TUF client must refuse duplicates (the case says so).
        if (name == "duplicate_keys_last_wins" || c.TryGetProperty("expected_error", out _))
        {
            var ex = Assert.Throws<DeserializationException>(() => CanonicalJson.Encode(input));
            output.WriteLine(ex.Message);
            return;
        }

        byte[] expected = Convert.FromHexString(c.GetProperty("expected_canonical_hex").GetString()!);
        byte[] actual = CanonicalJson.Encode(input);
        Assert.Equal(expected, actual);
        Assert.Equal(c.GetProperty("expected_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(actual)));

        // The element overloads agree with the span overload.
        using var parsed = JsonDocument.Parse(input);
        Assert.Equal(expected, CanonicalJson.Encode(parsed.RootElement));
        var writer = new System.Buffers.ArrayBufferWriter<byte>();
        CanonicalJson.Write(parsed.RootElement, writer);
        Assert.Equal(expected, writer.WrittenSpan.ToArray());
    }
}
