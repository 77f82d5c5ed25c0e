using System.Reflection;

namespace Tuf.Core.Tests;

public class ArchitectureTests
{
    private static string[] Refs(Assembly a) => a.GetReferencedAssemblies().Select(n => n.Name ?? "").ToArray();

    [Fact]
    public void Core_ReferencesNoAspNetNorHttp()
    {
        var refs = Refs(typeof(Root).Assembly);
        Assert.DoesNotContain(refs, r => r.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        Assert.DoesNotContain("System.Net.Http", refs);
        Assert.DoesNotContain(refs, r => r.StartsWith("Tuf.", StringComparison.Ordinal));
    }

    [Fact]
    public void Server_DoesNotReferenceClientOrCli()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Tuf.Server", "bin");
        var dll = Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "Tuf.Server.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        Assert.True(dll is not null, "Tuf.Server.dll was not built; build Tuf.sln first");
        var refs = Refs(Assembly.LoadFile(dll!));
        Assert.DoesNotContain("Tuf.Client", refs);
        Assert.DoesNotContain("tuf", refs);
    }
}
