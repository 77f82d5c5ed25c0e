namespace Tuf.Server.Endpoints;

/// <summary>
/// Splits the raw request target into percent-decoded segments. Working on the raw target (not the decoded
/// <c>Request.Path</c>) keeps <c>%2F</c> in a role name or target path apart from a real <c>/</c>.
/// </summary>
internal static class RequestPath
{
    /// <summary>The decoded segments of the request's path (a trailing slash yields a trailing empty segment).</summary>
    public static string[] Segments(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            raw = (context.Request.PathBase + context.Request.Path).ToUriComponent();
        }

        var query = raw.IndexOfAny(['?', '#']);
        if (query >= 0)
        {
            raw = raw[..query];
        }

        return Split(raw);
    }

    /// <summary>Splits and decodes a raw absolute path.</summary>
    public static string[] Split(string rawPath)
    {
        ArgumentNullException.ThrowIfNull(rawPath);
        var parts = rawPath.TrimStart('/').Split('/');
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = Uri.UnescapeDataString(parts[i]);
        }

        return parts;
    }
}
