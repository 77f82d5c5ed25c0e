namespace Tuf.Server;

/// <summary>The stable error codes of the JSON error body <c>{"code": ..., "message": ...}</c>. Never renamed.</summary>
internal static class ErrorCodes
{
    // Request shape
    public const string BadRequest = "bad_request";
    public const string InvalidGun = "invalid_gun";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string BodyTooLarge = "body_too_large";
    public const string RequestTimeout = "request_timeout";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string MalformedMultipart = "malformed_multipart";
    public const string Internal = "internal_error";
    public const string Unavailable = "unavailable";
    public const string Busy = "busy";

    // Auth
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";

    // Publish validation
    public const string NothingToPublish = "nothing_to_publish";
    public const string UnknownRole = "unknown_role";
    public const string DuplicateRole = "duplicate_role";
    public const string MalformedMetadata = "malformed_metadata";
    public const string TimestampManagedByServer = "timestamp_managed_by_server";
    public const string SnapshotManagedByServer = "snapshot_managed_by_server";
    public const string RootMissing = "root_missing";
    public const string TargetsMissing = "targets_missing";
    public const string RootVersionSkip = "root_version_skip";
    public const string RootNotSignedByPrevious = "root_not_signed_by_previous";
    public const string Unsigned = "unsigned";
    public const string Expired = "expired";
    public const string VersionNotIncreasing = "version_not_increasing";
    public const string ServerKeyNotInRoot = "server_key_not_in_root";
    public const string SnapshotRequired = "snapshot_required";
    public const string SnapshotInconsistent = "snapshot_inconsistent";
    public const string TargetNotInMetadata = "target_not_in_metadata";
    public const string TargetMismatch = "target_mismatch";
    public const string TargetOutsideDelegation = "target_outside_delegation";
    public const string InvalidTargetPath = "invalid_target_path";
    public const string DelegationTooDeep = "delegation_too_deep";
    public const string Conflict = "conflict";
}
