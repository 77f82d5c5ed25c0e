using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace Tuf.Server;

/// <summary>
/// The <c>appsettings.json</c> shipped next to <c>Tuf.Server.dll</c>. ASP.NET Core looks for settings files in the
/// content root, which is the working directory: started as <c>dotnet /opt/tuf/Tuf.Server.dll</c> from anywhere else
/// the shipped file would be ignored. It is added just before the content root's files, so those (when present),
/// environment variables and the command line still override it.
/// </summary>
internal static class ShippedSettings
{
    /// <summary>Adds the files beside the server's assembly when the content root is another folder.</summary>
    public static void Add(ConfigurationManager configuration, IHostEnvironment environment)
    {
        string baseDirectory = AppContext.BaseDirectory;
        if (string.Equals(Path.GetFullPath(environment.ContentRootPath).TrimEnd('/'), Path.GetFullPath(baseDirectory).TrimEnd('/'), StringComparison.Ordinal))
        {
            return;
        }

        int index = configuration.Sources.Select((source, i) => (source, i))
            .FirstOrDefault(x => x.source is JsonConfigurationSource { Path: "appsettings.json" }, (null!, 0)).i;
        var files = new PhysicalFileProvider(baseDirectory);
        foreach (var name in new[] { $"appsettings.{environment.EnvironmentName}.json", "appsettings.json" })
        {
            configuration.Sources.Insert(index, new JsonConfigurationSource { Path = name, Optional = true, ReloadOnChange = false, FileProvider = files });
        }
    }
}
