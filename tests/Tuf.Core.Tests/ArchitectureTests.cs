using System.Reflection;
using System.Xml.Linq;

namespace Tuf.Core.Tests;

/// <summary>
/// Dependencies point one way (Core &lt;- Client &lt;- Rollout; Core &lt;- Signing, Server; Cli on top). Project
/// references are read from the project files, so the result does not depend on what was built before.
/// </summary>
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
        Assert.Empty(ProjectReferences("Tuf.Core"));
    }

    [Fact]
    public void Server_DoesNotReferenceClientNorCli_EvenTransitively()
    {
        var all = TransitiveReferences("Tuf.Server");
        Assert.Equal(["Tuf.Core"], all);
    }

    [Fact]
    public void Client_ReferencesOnlyCore_AndSigningOnlyCore()
    {
        Assert.Equal(["Tuf.Core"], TransitiveReferences("Tuf.Client"));
        Assert.Equal(["Tuf.Core"], TransitiveReferences("Tuf.Signing"));
        Assert.Equal(["Tuf.Client", "Tuf.Core"], TransitiveReferences("Tuf.Rollout"));
    }

    private static string SourceRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tuf.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tuf.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The names of the projects <paramref name="project"/> (under src/) references directly.</summary>
    private static string[] ProjectReferences(string project)
    {
        var file = Path.Combine(SourceRoot(), "src", project, project + ".csproj");
        return XDocument.Load(file).Descendants("ProjectReference")
            .Select(e => Path.GetFileNameWithoutExtension(e.Attribute("Include")!.Value.Replace('\\', '/')))
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static string[] TransitiveReferences(string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([project]);
        while (queue.TryDequeue(out var next))
        {
            foreach (var reference in ProjectReferences(next))
            {
                if (seen.Add(reference))
                {
                    queue.Enqueue(reference);
                }
            }
        }

        return [.. seen];
    }
}
