namespace Tuf.Cli.Output;

/// <summary>Colour and progress only for a person at a terminal: never in a pipe, a file, or with NO_COLOR set.</summary>
internal static class Terminal
{
    public static bool StdoutIsTerminal => !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb";

    public static bool StderrIsTerminal => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") is not "dumb";

    private static bool Colour => StdoutIsTerminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public static string Red(string text) => Colour ? $"\u001b[31m{text}\u001b[0m" : text;

    public static string Yellow(string text) => Colour ? $"\u001b[33m{text}\u001b[0m" : text;
}
