using System.CommandLine;
using System.Text.Json;

namespace Tuf.Cli.Output;

/// <summary>
/// <c>--json</c> output: one JSON document on standard output, indented, snake_case names, times in UTC ISO 8601.
/// The shapes are documented in docs/cli.md and only grow (new fields), so scripts need not scrape text.
/// </summary>
internal static class JsonOut
{
    public static Option<bool> Option() => new("--json") { Description = "Print JSON (shape documented in docs/cli.md) instead of text" };

    /// <summary>Writes one document built by <paramref name="write"/> to standard output.</summary>
    public static void Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        Console.Out.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        Console.Out.WriteLine();
    }

    public static void Time(this Utf8JsonWriter w, string name, DateTimeOffset time) =>
        w.WriteString(name, time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    public static void Strings(this Utf8JsonWriter w, string name, IEnumerable<string>? values)
    {
        w.WriteStartArray(name);
        foreach (var v in values ?? [])
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    public static void Hashes(this Utf8JsonWriter w, IEnumerable<KeyValuePair<string, string>> hashes)
    {
        w.WriteStartObject("hashes");
        foreach (var (algorithm, value) in hashes.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            w.WriteString(algorithm, value);
        }

        w.WriteEndObject();
    }

    /// <summary>An array of objects, one per item, each written by <paramref name="body"/> between its braces.</summary>
    public static void Objects<T>(this Utf8JsonWriter w, string name, IEnumerable<T> items, Action<Utf8JsonWriter, T> body)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStartObject();
            body(w, item);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>An object written by <paramref name="body"/>, or null when <paramref name="value"/> is null.</summary>
    public static void ObjectOrNull<T>(this Utf8JsonWriter w, string name, T? value, Action<Utf8JsonWriter, T> body)
        where T : class
    {
        if (value is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        body(w, value);
        w.WriteEndObject();
    }
}
