using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Tuf.Core.Tests.Json;

public class MetadataPropertyTests
{
    [Property(MaxTest = 200, Replay = "11," + JsonTrees.Gamma)]
    public Property Parse_WrittenIndentedFile_SignedBytesEqualWriterAndModelRoundTrips()
    {
        var gen = from signed in MetadataGenerators.AnySigned()
                  from signatures in MetadataGenerators.Signatures()
                  select (signed, signatures);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            byte[] canonical = MetadataWriter.ToCanonicalBytes(t.signed);
            byte[] file = MetadataWriter.ToFileBytes(t.signed, t.signatures, MetadataFileFormat.Indented);
            var env = MetadataParser.Parse<Signed>(file);
            Assert.Equal(canonical, env.SignedBytes.ToArray());
            Assert.Equal(canonical, MetadataWriter.ToCanonicalBytes(env.Signed));
            Assert.Equal(t.signatures, env.Signatures);
            Assert.Equal(file, MetadataWriter.ToFileBytes(env.Signed, env.Signatures, MetadataFileFormat.Indented));
            return true;
        });
    }

    [Property(MaxTest = 200, Replay = "12," + JsonTrees.Gamma)]
    public Property Parse_ReorderedAndReformattedFile_GivesSameSignedBytes()
    {
        // Independent of key order, whitespace and string escapes in the received file.
        var gen = from signed in MetadataGenerators.AnySigned()
                  from seed in Gen.Choose(0, int.MaxValue)
                  select (signed, seed);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            byte[] file = MetadataWriter.ToFileBytes(t.signed, [], MetadataFileFormat.Indented);
            using var doc = JsonDocument.Parse(file);
            string rerendered = JsonTrees.Render(JsonTrees.FromElement(doc.RootElement), t.seed);
            var env = MetadataParser.Parse<Signed>(Encoding.UTF8.GetBytes(rerendered));
            Assert.Equal(MetadataWriter.ToCanonicalBytes(t.signed), env.SignedBytes.ToArray());
            Assert.Equal(CanonicalJson.Encode(Encoding.UTF8.GetBytes(rerendered)), MetadataWriter.ToFileBytes(env.Signed, env.Signatures, MetadataFileFormat.Canonical));
            return true;
        });
    }
}
