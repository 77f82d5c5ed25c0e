using Microsoft.Extensions.Logging;

namespace Tuf.Client;

/// <summary>Log messages of the <see cref="Updater"/>: roles, versions, URLs; never key material.</summary>
internal static partial class UpdaterLog
{
    [LoggerMessage(1, LogLevel.Debug, "Fetching {Uri} (at most {MaxLength} bytes)")]
    public static partial void Fetching(ILogger logger, Uri uri, long maxLength);

    [LoggerMessage(2, LogLevel.Information, "Trusted root is now version {Version}")]
    public static partial void RootUpdated(ILogger logger, long version);

    [LoggerMessage(3, LogLevel.Debug, "Root version {Version} is the newest ({Uri} answered {Status})")]
    public static partial void RootChainEnd(ILogger logger, long version, Uri uri, int status);

    [LoggerMessage(4, LogLevel.Debug, "Local {Role} metadata not usable as final: {Reason}")]
    public static partial void LocalNotUsable(ILogger logger, string role, string reason);

    [LoggerMessage(5, LogLevel.Information, "Trusted {Role} is now version {Version}")]
    public static partial void RoleUpdated(ILogger logger, string role, long version);

    [LoggerMessage(6, LogLevel.Debug, "Timestamp version {Version} unchanged")]
    public static partial void TimestampUnchanged(ILogger logger, long version);

    [LoggerMessage(7, LogLevel.Information, "Timestamp/snapshot keys were rotated: discarding cached timestamp and snapshot (fast-forward recovery)")]
    public static partial void FastForwardRecovery(ILogger logger);

    [LoggerMessage(8, LogLevel.Debug, "Local {Role} metadata is valid: not downloading it")]
    public static partial void LocalValid(ILogger logger, string role);

    [LoggerMessage(9, LogLevel.Debug, "{Remaining} roles left to visit but at most {Max} delegations are searched")]
    public static partial void DelegationLimit(ILogger logger, int remaining, int max);

    [LoggerMessage(10, LogLevel.Information, "Downloaded and verified target {Path} from {Uri}")]
    public static partial void TargetDownloaded(ILogger logger, string path, Uri uri);
}
