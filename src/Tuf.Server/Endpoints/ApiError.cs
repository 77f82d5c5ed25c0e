using System.Text.Json.Serialization;

namespace Tuf.Server.Endpoints;

/// <summary>The JSON body of every error response.</summary>
/// <param name="Code">Stable machine-readable code (see <see cref="ErrorCodes"/>).</param>
/// <param name="Message">Human-readable explanation.</param>
internal sealed record ApiError(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message)
{
    /// <summary>
    /// The same error in the registry/Notary form (<c>{"errors":[{"code","message","detail"}]}</c>), for the notary and
    /// docker clients: on a refused publish they show <c>detail</c>, Notary's <c>{"Name": "ErrBad...", "Error": {"Msg"}}</c>.
    /// Absent on the server's other routes.
    /// </summary>
    [JsonPropertyName("errors")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NotaryErrorEntry>? Errors { get; init; }
}

/// <summary>One entry of the registry/Notary error list.</summary>
/// <param name="Code">The registry-style code (<c>INVALID_UPDATE</c>, <c>UNAUTHORIZED</c>, ...).</param>
/// <param name="Message">The message.</param>
/// <param name="Detail">Notary's validation error, for refused publishes.</param>
internal sealed record NotaryErrorEntry(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("detail"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] NotaryValidationError? Detail);

/// <summary>Notary's serialized validation error: <c>{"Name": "ErrBadRoot", "Error": {"Msg": "..."}}</c>.</summary>
/// <param name="Name">ErrValidation, ErrBadHierarchy, ErrBadRoot, ErrBadTargets or ErrBadSnapshot.</param>
/// <param name="Error">The message holder.</param>
internal sealed record NotaryValidationError(
    [property: JsonPropertyName("Name")] string Name,
    [property: JsonPropertyName("Error")] NotaryValidationMessage Error);

/// <summary>The message of a Notary validation error.</summary>
/// <param name="Msg">The message.</param>
/// <param name="Missing">For ErrBadHierarchy: the missing role.</param>
internal sealed record NotaryValidationMessage(
    [property: JsonPropertyName("Msg")] string Msg,
    [property: JsonPropertyName("Missing"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Missing = null);

/// <summary>The body of an accepted publish.</summary>
/// <param name="Gun">Collection.</param>
/// <param name="Versions">Role to new current version.</param>
internal sealed record PublishResponse(
    [property: JsonPropertyName("gun")] string Gun,
    [property: JsonPropertyName("versions")] IReadOnlyDictionary<string, long> Versions);

/// <summary>Request to create a token.</summary>
/// <param name="Name">Label.</param>
/// <param name="Scopes">Scopes (see <see cref="Auth.TokenScopes"/>).</param>
internal sealed record CreateTokenRequest(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("scopes")] string? Scopes);

/// <summary>A created token (the only time it is shown).</summary>
/// <param name="Token">The secret.</param>
/// <param name="Name">Label.</param>
/// <param name="Scopes">Scopes.</param>
internal sealed record CreateTokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("scopes")] string Scopes);

/// <summary>Notary's change-feed record.</summary>
internal sealed record ChangefeedRecord(
    [property: JsonPropertyName("ID")] string Id,
    [property: JsonPropertyName("CreatedAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("GUN")] string Gun,
    [property: JsonPropertyName("Version")] long Version,
    [property: JsonPropertyName("SHA256")] string Sha256,
    [property: JsonPropertyName("Category")] string Category);

/// <summary>Notary's change-feed page.</summary>
internal sealed record ChangefeedResponse(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("records")] IReadOnlyList<ChangefeedRecord> Records);

/// <summary>The token endpoint's answer (Docker's token authentication: both names carry the token).</summary>
internal sealed record BearerTokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("issued_at")] DateTimeOffset IssuedAt);

/// <summary>Source-generated JSON for the server's own bodies.</summary>
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(BearerTokenResponse))]
[JsonSerializable(typeof(PublishResponse))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(CreateTokenResponse))]
[JsonSerializable(typeof(ChangefeedResponse))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
