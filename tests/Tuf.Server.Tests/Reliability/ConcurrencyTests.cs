using Tuf.Server.Tests.TestKit;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Reliability;

public sealed class ConcurrencyTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Publish_ManyConcurrentWritersOnSqlite_DistinctVersionsNoneLostLosersGet409()
    {
        using var host = ServerHost.Start();
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/busy");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));

        var (accepted, conflicts, reads) = await PublishWorkload.RunAsync(c, [host.Client], writers: 8, publishesPerWriter: 4, c.SignedRoot());

        output.WriteLine($"accepted {accepted.Count}, conflicts {conflicts}, verified reads {reads}");
        Assert.Equal(32, accepted.Count);
        await PublishWorkload.AssertNoneLostAsync(host.Client, c, accepted, firstVersion: 2);
    }

    [SkippableFact]
    public async Task Publish_ConcurrentWritersThroughTwoServerProcessesOnOnePostgres_NoneLost()
    {
        var cs = PostgresCluster.CreateDatabase();
        Skip.If(cs is null, "SKIPPED (PostgreSQL unavailable): " + PostgresCluster.UnavailableReason);

        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "postgres",
            ["Storage:ConnectionString"] = cs,
            ["Server:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
            ["Server:DataDirectory"] = TestKit.TestDirs.New("tuf-pg-replica-").FullName,
            ["Auth:AdminToken"] = ServerHost.AdminToken,
        };
        using var a = await ServerProcess.StartAsync(settings);
        using var b = await ServerProcess.StartAsync(settings);

        // Keys created through one replica are the other's too.
        using var c = await TestCollection.CreateAsync(a.Client, "example.com/replicated");
        Assert.Equal(c.ServerTimestampKey.ComputeKeyId(), (await TestCollection.GetServerKeyAsync(b.Client, c.Gun, "timestamp")).ComputeKeyId());
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(b.Client));

        var (accepted, conflicts, reads) = await PublishWorkload.RunAsync(c, [a.Client, b.Client], writers: 6, publishesPerWriter: 4, c.SignedRoot());

        output.WriteLine($"accepted {accepted.Count}, conflicts {conflicts}, verified reads {reads}");
        Assert.Equal(24, accepted.Count);
        await PublishWorkload.AssertNoneLostAsync(a.Client, c, accepted, firstVersion: 2);
        await PublishWorkload.AssertNoneLostAsync(b.Client, c, accepted, firstVersion: 2);
    }
}
