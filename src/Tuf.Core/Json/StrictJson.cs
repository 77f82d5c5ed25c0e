using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;

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
            var document = JsonDocument.Parse(buffer.AsMemory(0, data.Length), Options(maxDepth));
            return new ParsedJson(document, buffer);
        }
        catch (JsonException ex)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new DeserializationException($"{source}: invalid JSON: {ErrorText.Untrusted(ex.Message)}", ex);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new DeserializationException($"{source}: invalid JSON: {ErrorText.Untrusted(ex.Message)}", ex);
        }
    }

    /// <summary>A parsed document and the pooled bytes it reads from.</summary>
    public sealed class ParsedJson : IDisposable
    {
        private byte[]? _buffer;

        public ParsedJson(JsonDocument document, byte[] buffer)
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
