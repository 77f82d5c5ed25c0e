using System.Buffers;
using System.Text.Json;
using Tuf.Internal;

namespace Tuf;

/// <summary>
/// OLPC canonical JSON as securesystemslib writes it: object keys sorted by Unicode code point (UTF-8 byte
/// order), no insignificant whitespace, only <c>"</c> and <c>\</c> escaped, integers of any size, no floats,
/// UTF-8 output. This is what TUF signatures cover.
/// </summary>
internal static class CanonicalJson
{
    private const string Source = "canonical JSON";

    /// <summary>Parses <paramref name="json"/> strictly and returns its canonical bytes.</summary>
    /// <param name="json">UTF-8 JSON text.</param>
    /// <returns>The canonical encoding.</returns>
    /// <exception cref="DeserializationException">The input is not valid JSON, has duplicate keys, a float, or a lone surrogate.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> json)
    {
        using var parsed = StrictJson.Parse(json, StrictJson.GenericMaxDepth, Source);
        using var output = new PooledBufferWriter(json.Length + 16);
        WriteCore(parsed.Root, output, validateUtf8: false);
        return output.ToArray();
    }

    /// <summary>Returns the canonical bytes of an already parsed element.</summary>
    /// <param name="element">The element.</param>
    /// <returns>The canonical encoding.</returns>
    /// <exception cref="DeserializationException">The element holds a float or a lone surrogate.</exception>
    public static byte[] Encode(JsonElement element)
    {
        using var output = new PooledBufferWriter();
        WriteCore(element, output, validateUtf8: true);
        return output.ToArray();
    }

    /// <summary>Writes the canonical bytes of <paramref name="element"/> to <paramref name="output"/>.</summary>
    /// <param name="element">The element.</param>
    /// <param name="output">Where to write.</param>
    /// <exception cref="DeserializationException">The element holds a float or a lone surrogate.</exception>
    public static void Write(JsonElement element, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output is PooledBufferWriter pooled)
        {
            WriteCore(element, pooled, validateUtf8: true);
            return;
        }

        // Encode completely first, so that a failure leaves the caller's writer untouched.
        using var buffer = new PooledBufferWriter();
        WriteCore(element, buffer, validateUtf8: true);
        var target = output.GetSpan(buffer.WrittenCount);
        buffer.WrittenSpan.CopyTo(target);
        output.Advance(buffer.WrittenCount);
    }

    /// <summary>Writes canonically, translating every encoder failure into a <see cref="DeserializationException"/>.</summary>
    internal static void WriteCore(JsonElement element, PooledBufferWriter output, bool validateUtf8, string source = Source, string root = "$")
    {
        try
        {
            CanonicalJsonWriter.Write(element, output, validateUtf8);
        }
        catch (JsonPathException ex)
        {
            throw ex.ToDeserializationException(source, root);
        }
        catch (InvalidOperationException ex)
        {
            // A JsonElement whose document was disposed, or similar misuse by the caller.
            throw new DeserializationException($"{source}: {ErrorText.Untrusted(ex.Message)}", ex);
        }
    }
}
