using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Tuf.Server.Publishing;

namespace Tuf.Server.Endpoints;

/// <summary>
/// Reads a publish request: <c>multipart/form-data</c> where each metadata file is a part named <c>files</c>
/// (Notary's name) or <c>metadata</c> with <c>filename="{role}.json"</c> (role percent-encoded), and each hosted
/// target is a part named <c>target</c> with <c>filename="{target path}"</c> (percent-encoded). Sizes and part
/// counts are bounded.
/// </summary>
internal sealed class PublishRequestReader
{
    private readonly ServerOptions _options;

    /// <summary>Creates the reader.</summary>
    public PublishRequestReader(IOptions<ServerOptions> options) => _options = options.Value;

    /// <summary>Reads the parts.</summary>
    /// <exception cref="ApiException">415 for a non-multipart body, 400 for a malformed one, 413 when too large.</exception>
    public async Task<(List<UploadedFile> Files, List<UploadedTarget> Targets)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "A publish must be multipart/form-data.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200)
        {
            throw ApiException.BadRequest(ErrorCodes.MalformedMultipart, "The multipart boundary is missing or too long.");
        }

        if (request.ContentLength > _options.MaxRequestBodyBytes)
        {
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, ErrorCodes.BodyTooLarge, $"The request body is larger than {_options.MaxRequestBodyBytes} bytes.");
        }

        var reader = new MultipartReader(boundary, request.Body)
        {
            HeadersCountLimit = 16,
            HeadersLengthLimit = 16 * 1024,
            BodyLengthLimit = _options.MaxRequestBodyBytes,
        };
        var files = new List<UploadedFile>();
        var targets = new List<UploadedTarget>();
        long total = 0;
        while (await reader.ReadNextSectionAsync(cancellationToken).ConfigureAwait(false) is { } section)
        {
            if (files.Count + targets.Count >= _options.MaxParts)
            {
                throw new ApiException(StatusCodes.Status413PayloadTooLarge, ErrorCodes.BodyTooLarge, $"A publish may hold at most {_options.MaxParts} parts.");
            }

            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
            {
                throw ApiException.BadRequest(ErrorCodes.MalformedMultipart, "Every part needs Content-Disposition: form-data with a name and a filename.");
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            if (string.IsNullOrEmpty(fileName))
            {
                throw ApiException.BadRequest(ErrorCodes.MalformedMultipart, "Every part needs a filename (the role's file name, or the target path).");
            }

            fileName = Uri.UnescapeDataString(fileName);
            bool isTarget = name == "target";
            if (!isTarget && name is not "files" and not "metadata")
            {
                throw ApiException.BadRequest(ErrorCodes.MalformedMultipart, $"Unknown part name '{ErrorText.Untrusted(name)}' (expected 'files', 'metadata' or 'target').");
            }

            var limit = isTarget ? _options.MaxRequestBodyBytes : _options.MaxMetadataBytes;
            var data = await ReadBoundedAsync(section.Body, limit, cancellationToken).ConfigureAwait(false);
            total += data.Length;
            if (total > _options.MaxRequestBodyBytes)
            {
                throw new ApiException(StatusCodes.Status413PayloadTooLarge, ErrorCodes.BodyTooLarge, $"The request body is larger than {_options.MaxRequestBodyBytes} bytes.");
            }

            if (isTarget)
            {
                targets.Add(new UploadedTarget(fileName, data));
            }
            else
            {
                var role = fileName.EndsWith(".json", StringComparison.Ordinal) ? fileName[..^5] : fileName;
                files.Add(new UploadedFile(role, data));
            }
        }

        return (files, targets);
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new ApiException(StatusCodes.Status413PayloadTooLarge, ErrorCodes.BodyTooLarge, $"A part is larger than {limit} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
