using Tuf.Testing;
using Xunit.Abstractions;

namespace Tuf.Core.Tests.RealWorld;

public class RealWorldMetadataTests(ITestOutputHelper output)
{
    public static TheoryData<string> Files() => RealWorldVectors.AsTheoryData();

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public void Parse_RealWorldFile_AcceptsOrRejectsAsReadmeSays(string file)
    {
        Skip.If(file.Length == 0, SharedVectors.MissingMessage);

        var bytes = RealWorldVectors.Read(file);
        if (RealWorldVectors.MustBeRejected(file))
        {
            var ex = Assert.Throws<DeserializationException>(() => MetadataParser.Parse<Signed>(bytes, file));
            output.WriteLine(ex.Message);
            Assert.StartsWith(file, ex.Message, StringComparison.Ordinal);
            return;
        }

        var envelope = MetadataParser.Parse<Signed>(bytes, file);
        Assert.True(envelope.SignedBytes.Length > 2);
    }

    public static TheoryData<string> AcceptedFiles() => RealWorldVectors.AcceptedAsTheoryData();

    [SkippableTheory]
    [MemberData(nameof(AcceptedFiles))]
    public void ToCanonicalBytes_ParsedRealWorldFile_EqualsSignedBytesAsReceived(string file)
    {
        Skip.If(file.Length == 0, SharedVectors.MissingMessage);

        var envelope = MetadataParser.Parse<Signed>(RealWorldVectors.Read(file), file);
        var written = MetadataWriter.ToCanonicalBytes(envelope.Signed);
        Assert.Equal(envelope.SignedBytes.ToArray(), written);
    }
}
