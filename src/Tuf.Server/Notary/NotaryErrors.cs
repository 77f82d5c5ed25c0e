using Tuf.Server.Endpoints;

namespace Tuf.Server.Notary;

/// <summary>
/// The server's errors in the form the notary and docker clients read (registry error codes; for a refused publish,
/// Notary's validation error names, which the notary CLI prints instead of "trust server rejected operation").
/// </summary>
internal static class NotaryErrors
{
    /// <summary>The registry/Notary form of one error.</summary>
    public static NotaryErrorEntry Entry(int status, string code, string message) => status switch
    {
        StatusCodes.Status400BadRequest => new NotaryErrorEntry("INVALID_UPDATE", message, Validation(code, message)),
        StatusCodes.Status401Unauthorized => new NotaryErrorEntry("UNAUTHORIZED", message, null),
        StatusCodes.Status403Forbidden => new NotaryErrorEntry("DENIED", message, null),
        StatusCodes.Status404NotFound => new NotaryErrorEntry("METADATA_NOT_FOUND", message, null),
        _ => new NotaryErrorEntry("UNKNOWN", message, null),
    };

    private static NotaryValidationError Validation(string code, string message) => code switch
    {
        ErrorCodes.RootVersionSkip or ErrorCodes.RootNotSignedByPrevious or ErrorCodes.ServerKeyNotInRoot => new("ErrBadRoot", new(message)),
        ErrorCodes.TargetOutsideDelegation or ErrorCodes.TargetsMissing => new("ErrBadTargets", new(message)),
        ErrorCodes.SnapshotInconsistent => new("ErrBadSnapshot", new(message)),
        ErrorCodes.SnapshotRequired => new("ErrBadHierarchy", new(message, "snapshot")),
        ErrorCodes.RootMissing => new("ErrBadHierarchy", new(message, "root")),
        _ => new("ErrValidation", new(message)),
    };
}
