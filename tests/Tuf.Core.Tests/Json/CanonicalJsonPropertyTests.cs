using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Tuf.Core.Tests.Json;

public class CanonicalJsonPropertyTests
{
    [Property(MaxTest = 400, Replay = "1," + JsonTrees.Gamma)]
    public Property Encode_AnyRendering_EqualsReferenceCanonicalForm()
    {
        // Control characters included: they are written raw, exactly as securesystemslib does.
        var gen = from node in JsonTrees.Nodes(withControl: true)
                  from seed in Gen.Choose(0, int.MaxValue)
                  select (node, seed);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            string text = JsonTrees.Render(t.node, t.seed);
            byte[] expected = JsonTrees.ReferenceCanonical(t.node);
            return CanonicalJson.Encode(Encoding.UTF8.GetBytes(text)).AsSpan().SequenceEqual(expected);
        });
    }

    [Property(MaxTest = 400, Replay = "2," + JsonTrees.Gamma)]
    public Property Encode_CanonOfParsedCanon_IsCanon()
    {
        // Canon(Parse(Canon(x))) == Canon(x). Canonical output with raw control characters is not JSON a strict
        // parser accepts (nor Python's), so those are left out of this property.
        var gen = from node in JsonTrees.Nodes(withControl: false)
                  from seed in Gen.Choose(0, int.MaxValue)
                  select (node, seed);
        return Prop.ForAll(gen.ToArbitrary(), t =>
        {
            byte[] once = CanonicalJson.Encode(Encoding.UTF8.GetBytes(JsonTrees.Render(t.node, t.seed)));
            byte[] twice = CanonicalJson.Encode(once);
            return once.AsSpan().SequenceEqual(twice);
        });
    }

    [Property(MaxTest = 300, Replay = "3," + JsonTrees.Gamma)]
    public Property Encode_TwoRenderingsOfOneTree_GiveSameBytes()
    {
        var gen = from node in JsonTrees.Nodes(withControl: true)
                  from a in Gen.Choose(0, int.MaxValue)
                  from b in Gen.Choose(0, int.MaxValue)
                  select (node, a, b);
        return Prop.ForAll(gen.ToArbitrary(), t =>
            CanonicalJson.Encode(Encoding.UTF8.GetBytes(JsonTrees.Render(t.node, t.a)))
                .AsSpan().SequenceEqual(CanonicalJson.Encode(Encoding.UTF8.GetBytes(JsonTrees.Render(t.node, t.b)))));
    }
}
