using Microsoft.Extensions.Logging.Console;

namespace Tuf.Server.Observability;

/// <summary>Makes <see cref="SafeConsoleFormatter"/> the only log output, whatever formatter the configuration names.</summary>
internal static class SafeLogging
{
    /// <summary>Replaces every logging provider with the console through the safe formatter.</summary>
    public static void Use(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.AddConsole();
        logging.AddConsoleFormatter<SafeConsoleFormatter, ConsoleFormatterOptions>();
        logging.AddConsoleFormatter<SafeConsoleFormatter.Json, ConsoleFormatterOptions>();
        logging.Services.PostConfigure<ConsoleLoggerOptions>(o => o.FormatterName =
            string.Equals(o.FormatterName, ConsoleFormatterNames.Json, StringComparison.OrdinalIgnoreCase) || o.FormatterName == SafeConsoleFormatter.JsonName
                ? SafeConsoleFormatter.JsonName
                : SafeConsoleFormatter.TextName);
    }
}
