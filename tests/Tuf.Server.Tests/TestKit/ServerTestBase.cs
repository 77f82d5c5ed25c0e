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
            postgres = PostgresCluster.CreateDatabase();
            if (postgres is null)
            {
                Output.WriteLine("PostgreSQL unavailable, ran on SQLite instead: " + PostgresCluster.UnavailableReason);
            }
        }

        return ServerHost.Start(postgres, time, settings);
    }
}
