using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Tuf.Internal;

namespace Tuf;

/// <summary>Strict parsing of untrusted JSON into a <see cref="JsonDocument"/>, with every failure as a <see cref="DeserializationException"/>.</summary>
internal static class StrictJson
{
    /// <summary>Depth limit for metadata (TUF metadata nests about 6 deep; custom fields get the rest).</summary>
    public const int MetadataMaxDepth = 32;

    /// <summary>Depth limit for generic canonical JSON input.</summary>
    public const int GenericMaxDepth = 64;

    public static JsonDocumentOptions Options(int maxDepth) => new()
    {
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = maxDepth,
    };

    /// <summary>
    /// Copies <paramref name="data"/> into a pooled buffer and parses it. The caller disposes the result,
    /// which returns the buffer; elements that must outlive it have to be cloned.
    /// </summary>
    public static ParsedJson Parse(ReadOnlySpan<byte> data, int maxDepth, string source)
    {
        // System.Text.Json does not validate the UTF-8 inside strings while reading, so check the whole input once.
        if (!Utf8.IsValid(data))
        {
            throw new DeserializationException($"{source}: not valid UTF-8");
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(data.Length, 1));
        data.CopyTo(buffer);
        try
        {
            return ParseValidated(buffer.AsMemory(0, data.Length), buffer, maxDepth, source);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Parses <paramref name="data"/> where it is, without a copy: the caller keeps the bytes unchanged until it
    /// disposes the result.
    /// </summary>
    public static ParsedJson ParseInPlace(ReadOnlyMemory<byte> data, int maxDepth, string source)
    {
        if (!Utf8.IsValid(data.Span))
        {
            throw new DeserializationException($"{source}: not valid UTF-8");
        }

        return ParseValidated(data, null, maxDepth, source);
    }

    private static ParsedJson ParseValidated(ReadOnlyMemory<byte> data, byte[]? pooled, int maxDepth, string source)
    {
        try
        {
            return new ParsedJson(JsonDocument.Parse(data, Options(maxDepth)), pooled);
        }
        catch (JsonException ex)
        {
            throw new DeserializationException($"{source}: invalid JSON: {ErrorText.Untrusted(ex.Message)}", ex);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            throw new DeserializationException($"{source}: invalid JSON: {ErrorText.Untrusted(ex.Message)}", ex);
        }
    }

    /// <summary>A parsed document and the pooled bytes it reads from (none when it reads the caller's).</summary>
    public sealed class ParsedJson : IDisposable
    {
        private byte[]? _buffer;

        public ParsedJson(JsonDocument document, byte[]? buffer)
        {
            Document = document;
            _buffer = buffer;
        }

        public JsonDocument Document { get; }

        public JsonElement Root => Document.RootElement;

        public void Dispose()
        {
            Document.Dispose();
            var buffer = Interlocked.Exchange(ref _buffer, null);
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
