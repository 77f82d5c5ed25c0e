namespace Tuf.Cli;

/// <summary>Turns any exception into one clear line on stderr and an exit code; never a stack trace.</summary>
internal static class CliErrors
{
    public static int Report(Exception ex)
    {
        switch (ex)
        {
            case UsageException u:
                Console.Error.WriteLine($"tuf: {u.Message}");
                return ExitCodes.Usage;
            case OperationCanceledException:
                Console.Error.WriteLine("tuf: cancelled");
                return ExitCodes.Failure;
            case TufException t:
                Console.Error.WriteLine($"tuf: {Describe(t)}");
                return ExitCodes.Failure;
            case IOException or UnauthorizedAccessException:
                Console.Error.WriteLine($"tuf: {ex.Message}");
                return ExitCodes.Failure;
            default:
                Console.Error.WriteLine($"tuf: unexpected error ({ex.GetType().Name}): {ex.Message}");
                return ExitCodes.Failure;
        }
    }

    /// <summary>The message, and a transport failure's cause when the message does not say it already.</summary>
    private static string Describe(TufException ex) =>
        ex.InnerException is { } inner && ex is DownloadException && !ex.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? $"{ex.Message}: {inner.Message}"
            : ex.Message;
}

/// <summary>A usage error detected after parsing (exit code 2).</summary>
internal sealed class UsageException : Exception
{
    public UsageException() { }

    public UsageException(string message) : base(message) { }

    public UsageException(string message, Exception innerException) : base(message, innerException) { }
}
