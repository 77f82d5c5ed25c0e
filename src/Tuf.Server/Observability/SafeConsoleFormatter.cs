using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Tuf.Server.Observability;

/// <summary>
/// The server's only log output: one line per entry (<c>2026-12-07T17:40:00.123Z info Category[EventId] message</c>,
/// UTC), or one JSON object per line with <c>Logging:Console:FormatterName=json</c>. Every message, scope and exception
/// goes through <see cref="LogText.Sanitize"/>; an exception's own lines follow, indented by four spaces, each
/// sanitized, so nothing a client sends can start a line of its own.
/// </summary>
internal sealed class SafeConsoleFormatter : ConsoleFormatter, IDisposable
{
    /// <summary>The text formatter's name.</summary>
    public const string TextName = "tuf";

    /// <summary>The JSON formatter's name; <c>Logging:Console:FormatterName=json</c>, the usual ASP.NET Core setting, selects it.</summary>
    public const string JsonName = "tuf-json";

    private readonly IDisposable? _reload;
    private readonly TimeProvider _time;
    private ConsoleFormatterOptions _options;

    /// <summary>Creates the text formatter.</summary>
    public SafeConsoleFormatter(IOptionsMonitor<ConsoleFormatterOptions> options, TimeProvider time)
        : this(TextName, options, time)
    {
    }

    private SafeConsoleFormatter(string name, IOptionsMonitor<ConsoleFormatterOptions> options, TimeProvider time)
        : base(name)
    {
        _time = time;
        _options = options.CurrentValue;
        _reload = options.OnChange(o => _options = o);
    }

    /// <summary>The JSON variant.</summary>
    public sealed class Json(IOptionsMonitor<ConsoleFormatterOptions> options, TimeProvider time) : ConsoleFormatter(JsonName), IDisposable
    {
        private readonly SafeConsoleFormatter _inner = new(JsonName, options, time);

        /// <inheritdoc />
        public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter) =>
            _inner.WriteEntry(logEntry, scopeProvider, textWriter, json: true);

        /// <inheritdoc />
        public void Dispose() => _inner.Dispose();
    }

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter) =>
        WriteEntry(logEntry, scopeProvider, textWriter, json: false);

    /// <inheritdoc />
    public void Dispose() => _reload?.Dispose();

    private void WriteEntry<TState>(in LogEntry<TState> entry, IExternalScopeProvider? scopeProvider, TextWriter writer, bool json)
    {
        string? raw = entry.Formatter?.Invoke(entry.State, entry.Exception);
        if (raw is null && entry.Exception is null)
        {
            return;
        }

        string message = LogText.Sanitize(raw);
        var scopes = new List<string>();
        if (_options.IncludeScopes && scopeProvider is not null)
        {
            scopeProvider.ForEachScope((scope, list) => list.Add(LogText.Sanitize(scope?.ToString())), scopes);
        }

        var exceptionLines = entry.Exception is null
            ? []
            : entry.Exception.ToString().Split('\n').Select(l => LogText.Sanitize(l.TrimEnd('\r'))).ToList();
        var now = _time.GetUtcNow();
        string category = LogText.Sanitize(entry.Category);

        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream))
            {
                w.WriteStartObject();
                w.WriteString("Timestamp", now);
                w.WriteString("LogLevel", entry.LogLevel.ToString());
                w.WriteString("Category", category);
                w.WriteNumber("EventId", entry.EventId.Id);
                w.WriteString("Message", message);
                if (exceptionLines.Count > 0)
                {
                    w.WriteString("Exception", string.Join('\n', exceptionLines));
                }

                if (scopes.Count > 0)
                {
                    w.WriteStartArray("Scopes");
                    scopes.ForEach(w.WriteStringValue);
                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            writer.Write(System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
            writer.Write('\n');
            return;
        }

        writer.Write(now.ToString(_options.TimestampFormat ?? "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        writer.Write(' ');
        writer.Write(Level(entry.LogLevel));
        writer.Write(' ');
        writer.Write(category);
        writer.Write('[');
        writer.Write(entry.EventId.Id);
        writer.Write("] ");
        foreach (var scope in scopes)
        {
            writer.Write("=> ");
            writer.Write(scope);
            writer.Write(' ');
        }

        writer.Write(message);
        writer.Write('\n');
        foreach (var line in exceptionLines)
        {
            writer.Write("    ");
            writer.Write(line);
            writer.Write('\n');
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
