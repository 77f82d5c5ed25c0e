using System.Text.Json;

namespace Tuf;

/// <summary>
/// The common part of every role's <c>signed</c> object: type, spec version, version and expiry,
/// plus every field this library does not know, kept so that signatures over them still verify.
/// </summary>
public abstract class Signed
{
    /// <summary>The spec version this library writes.</summary>
    public const string CurrentSpecVersion = "1.0.31";

    /// <summary>The <c>_type</c> of this role: <c>root</c>, <c>timestamp</c>, <c>snapshot</c> or <c>targets</c>.</summary>
    public abstract string Type { get; }

    /// <summary>The TUF specification version the metadata follows; its major version must be 1.</summary>
    public string SpecVersion { get; set; } = CurrentSpecVersion;

    /// <summary>The metadata version, at least 1.</summary>
    public long Version { get; set; } = 1;

    /// <summary>When the metadata expires (an instant; compared in UTC).</summary>
    public DateTimeOffset Expires { get; set; }

    /// <summary>
    /// The <c>expires</c> text as received and the instant it denotes. The writer keeps this text while
    /// <see cref="Expires"/> still denotes the same instant, so that files in RFC 3339 variants (fractional seconds,
    /// numeric offsets) re-serialize to the bytes their signatures cover.
    /// </summary>
    internal (string Text, DateTimeOffset Value)? ReceivedExpires { get; set; }

    /// <summary>Fields of the <c>signed</c> object that this library does not model, in the order received.</summary>
    public IDictionary<string, JsonElement> UnrecognizedFields { get; set; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>Whether the metadata has expired at <paramref name="referenceTime"/> (expired when the time is at or after <see cref="Expires"/>).</summary>
    /// <param name="referenceTime">The time of the check.</param>
    /// <returns><see langword="true"/> when expired.</returns>
    public bool IsExpired(DateTimeOffset referenceTime) => referenceTime >= Expires;
}
