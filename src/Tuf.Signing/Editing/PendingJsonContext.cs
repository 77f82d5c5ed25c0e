using System.Text.Json.Serialization;

namespace Tuf.Signing;

/// <summary>
/// Source-generated (de)serialisation of the pending-targets list, so the repository editor works in the Native AOT
/// <c>tuf</c> executable (reflection-based <c>JsonSerializer</c> is disabled there). Default options: the bytes are
/// the same as reflection-based serialisation wrote.
/// </summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class PendingJsonContext : JsonSerializerContext;
