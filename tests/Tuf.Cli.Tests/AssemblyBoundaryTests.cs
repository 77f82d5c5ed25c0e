using System.ComponentModel;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Tuf.Cli.Tests;

/// <summary>
/// The production assemblies talk to each other through their public API only: no <c>InternalsVisibleTo</c> between
/// them, and the shared infrastructure they need is public in <c>Tuf.Internal</c>, hidden from IntelliSense.
/// </summary>
public sealed class AssemblyBoundaryTests
{
    private static readonly Assembly[] Production =
    [
        typeof(Tuf.Key).Assembly,                           // Tuf.Core
        typeof(Tuf.Client.Updater).Assembly,                // Tuf.Client
        typeof(Tuf.Signing.RepositoryEditor).Assembly,      // Tuf.Signing
        typeof(Tuf.Rollout.RollingUpdater).Assembly,        // Tuf.Rollout
        typeof(Tuf.Cli.ExitCodes).Assembly,                 // tuf
    ];

    [Fact]
    public void No_production_assembly_grants_its_internals_to_another()
    {
        var grants = Production
            .SelectMany(a => a.GetCustomAttributes<InternalsVisibleToAttribute>().Select(g => (From: a.GetName().Name, To: g.AssemblyName)))
            .ToList();
        Assert.NotEmpty(grants); // the tests' own grants are there: the check reads real attributes
        var toProduction = grants.Where(g => !(g.To.EndsWith(".Tests", StringComparison.Ordinal) || g.To is "Tuf.Testing" or "Tuf.Benchmarks")).ToList();
        Assert.True(toProduction.Count == 0, "InternalsVisibleTo between production assemblies: " + string.Join(", ", toProduction.Select(g => $"{g.From} -> {g.To}")));
    }

    [Fact]
    public void Shared_infrastructure_is_hidden_and_only_in_Tuf_Internal()
    {
        var core = typeof(Tuf.Key).Assembly;
        var infrastructure = core.GetExportedTypes().Where(t => t.Namespace == "Tuf.Internal").ToList();
        Assert.Contains(infrastructure, t => t.Name == "DurableFile");
        foreach (var type in infrastructure)
        {
            var browsable = type.GetCustomAttribute<EditorBrowsableAttribute>();
            Assert.True(browsable?.State == EditorBrowsableState.Never, $"{type.FullName} is public infrastructure but not [EditorBrowsable(Never)]");
        }

        // No other assembly adds types to the infrastructure namespace: what is public there is Core's, and documented as unsupported.
        foreach (var assembly in Production.Where(a => a != core))
        {
            Assert.DoesNotContain(assembly.GetExportedTypes(), t => t.Namespace == "Tuf.Internal");
        }
    }
}
