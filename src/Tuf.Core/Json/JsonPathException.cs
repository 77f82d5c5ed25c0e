using System.Text;
using Tuf.Internal;

namespace Tuf;

/// <summary>
/// Raised inside the canonical encoder and the metadata reader; it collects the JSON path of the offending value while the stack unwinds
/// (through exception filters, so the happy path pays nothing) and is turned into a <see cref="DeserializationException"/>.
/// </summary>
internal sealed class JsonPathException : Exception
{
    private readonly List<string> _segments = [];

    public JsonPathException() { }

    public JsonPathException(string message) : base(message) { }

    public JsonPathException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Records one path segment (innermost first). Always returns false so it can sit in a <c>when</c> filter.</summary>
    public bool AddSegment(string segment)
    {
        _segments.Add(segment);
        return false;
    }

    /// <summary>The path below <paramref name="root"/>, e.g. <c>signed.targets["a.txt"].length</c>.</summary>
    public string PathFrom(string root)
    {
        var sb = new StringBuilder(root);
        for (int i = _segments.Count - 1; i >= 0; i--)
        {
            sb.Append(_segments[i]);
        }

        return sb.ToString();
    }

    /// <summary>An error about the field <paramref name="field"/> of the object being read.</summary>
    public static JsonPathException Field(string field, string message)
    {
        var ex = new JsonPathException(message);
        ex.AddSegment("." + field);
        return ex;
    }

    /// <summary>The path segment for a member of a JSON object used as a map (a key ID, a target path, a role name).</summary>
    public static string KeySegment(string key) => "[\"" + ErrorText.Untrusted(key) + "\"]";

    /// <summary>The path segment for an array index.</summary>
    public static string IndexSegment(int index) => "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    public DeserializationException ToDeserializationException(string source, string root) =>
        new($"{source}: {PathFrom(root)}: {Message}", this);
}
