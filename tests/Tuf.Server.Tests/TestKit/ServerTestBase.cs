using Xunit.Abstractions;

namespace Tuf.Server.Tests.TestKit;

/// <summary>Runs a test class against either database: each concrete subclass picks one.</summary>
public abstract class ServerTestBase
{
    protected ServerTestBase(ITestOutputHelper output) => Output = output;

    protected ITestOutputHelper Output { get; }

    /// <summary>Which database the class runs on.</summary>
    protected abstract bool UsePostgres { get; }

    internal ServerHost StartHost(TimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        string? postgres = null;
        if (UsePostgres)
        {
            // Reported as skipped (never silently run on SQLite instead) when PostgreSQL cannot run here.
            postgres = PostgresCluster.CreateDatabase();
            Skip.If(postgres is null, "PostgreSQL unavailable: " + PostgresCluster.UnavailableReason);
        }

        return ServerHost.Start(postgres, time, settings);
    }
}
