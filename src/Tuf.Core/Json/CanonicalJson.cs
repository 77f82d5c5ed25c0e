using System.Buffers;
using System.Text.Json;

namespace Tuf;

/// <summary>
/// OLPC canonical JSON as securesystemslib writes it: object keys sorted by Unicode code point (UTF-8 byte
/// order), no insignificant whitespace, only <c>"</c> and <c>\</c> escaped, integers of any size, no floats,
/// UTF-8 output. This is what TUF signatures cover.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Parses <paramref name="json"/> strictly and returns its canonical bytes.</summary>
    /// <param name="json">UTF-8 JSON text.</param>
    /// <returns>The canonical encoding.</returns>
    /// <exception cref="DeserializationException">The input is not valid JSON, has duplicate keys, a float, or a lone surrogate.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> json) => throw new NotImplementedException();

    /// <summary>Returns the canonical bytes of an already parsed element.</summary>
    /// <param name="element">The element.</param>
    /// <returns>The canonical encoding.</returns>
    /// <exception cref="DeserializationException">The element holds a float or a lone surrogate.</exception>
    public static byte[] Encode(JsonElement element) => throw new NotImplementedException();

    /// <summary>Writes the canonical bytes of <paramref name="element"/> to <paramref name="output"/>.</summary>
    /// <param name="element">The element.</param>
    /// <param name="output">Where to write.</param>
    /// <exception cref="DeserializationException">The element holds a float or a lone surrogate.</exception>
    public static void Write(JsonElement element, IBufferWriter<byte> output) => throw new NotImplementedException();
}
