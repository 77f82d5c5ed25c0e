namespace Tuf.Cli;

/// <summary>Turns any exception into one clear line on stderr and an exit code; never a stack trace.</summary>
internal static partial class CliErrors
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
            case Tuf.Client.TrustedRootException { Path: { } path } r:
                Console.Error.WriteLine($"tuf: the trusted root {path} is not usable: {r.Reason}");
                Console.Error.WriteLine($"It is the root this client trusts and is never replaced automatically. Check a root.json out of band, delete {path}, and run again with --root pointing to that file.");
                return ExitCodes.Failure;
            case Tuf.Client.TrustedRootException r:
                Console.Error.WriteLine($"tuf: --root: not a usable root.json: {r.Reason}");
                return ExitCodes.Failure;
            case TufException t:
                Console.Error.WriteLine($"tuf: {Describe(t)}");
                return ExitCodes.Failure;
            case IOException or UnauthorizedAccessException:
                Console.Error.WriteLine($"tuf: {DescribeIo(ex)}");
                return ExitCodes.Failure;
            default:
                Console.Error.WriteLine($"tuf: unexpected error ({ex.GetType().Name}): {ex.Message}");
                return ExitCodes.Failure;
        }
    }

    /// <summary>File-system errors in our words: which path, what was wrong (.NET's messages name neither clearly).</summary>
    internal static string DescribeIo(Exception ex)
    {
        string? quoted = QuotedPath().Match(ex.Message) is { Success: true } m ? m.Groups[1].Value : null;
        return ex switch
        {
            FileNotFoundException f when f.Message.StartsWith("--", StringComparison.Ordinal) => f.Message,
            FileNotFoundException f when f.FileName is not null || quoted is not null => $"no such file: {f.FileName ?? quoted}",
            DirectoryNotFoundException when quoted is not null => $"no such file or folder: {quoted}",
            UnauthorizedAccessException when quoted is not null => $"permission denied: {quoted}",
            _ => ex.Message,
        };
    }

    [System.Text.RegularExpressions.GeneratedRegex("'([^']+)'")]
    private static partial System.Text.RegularExpressions.Regex QuotedPath();

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
