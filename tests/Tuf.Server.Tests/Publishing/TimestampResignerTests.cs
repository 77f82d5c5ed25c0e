using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Tuf.Server.Publishing;
using Tuf.Server.Tests.TestKit;
using Xunit.Abstractions;

namespace Tuf.Server.Tests.Publishing;

public sealed class TimestampResignerTests
{
    private static readonly DateTimeOffset s_start = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static Dictionary<string, string?> Settings => new()
    {
        ["Server:ResignEnabled"] = "false",
        ["Server:TimestampExpiry"] = "1.00:00:00",
        ["Server:SnapshotExpiry"] = "7.00:00:00",
        ["Server:ResignWindow"] = "06:00:00",
    };

    [SkippableFact]
    public async Task RunOnceAsync_TimestampInsideWindow_ResignsOnceWithNewExpiry()
    {
        var time = new FakeTimeProvider(s_start);
        using var host = ServerHost.Start(time: time, settings: Settings);
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/resign");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));
        var resigner = host.Services.GetRequiredService<TimestampResigner>();

        // Not due yet.
        time.Advance(TimeSpan.FromHours(17));
        Assert.Equal(0, await resigner.RunOnceAsync(CancellationToken.None));

        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, await resigner.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await resigner.RunOnceAsync(CancellationToken.None));

        var state = await CollectionVerifier.VerifyAsync(host.Client, c.Gun, c.SignedRoot(), time.GetUtcNow());
        Assert.Equal(2, state.TimestampVersion);
        Assert.Equal(1, state.SnapshotVersion);
        using var ts = await host.Client.GetAsync($"{c.Gun}/metadata/timestamp.json");
        var timestamp = MetadataParser.Parse<Timestamp>(await ts.Content.ReadAsByteArrayAsync()).Signed;
        Assert.Equal(s_start.AddHours(19).AddDays(1), timestamp.Expires);
        using var metrics = await host.Client.GetAsync("metrics");
        Assert.Contains("tuf_timestamp_resigns_total 1", await metrics.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task RunOnceAsync_ServerSnapshotInsideWindow_ResignsSnapshotToo()
    {
        var time = new FakeTimeProvider(s_start);
        using var host = ServerHost.Start(time: time, settings: Settings);
        using var c = await TestCollection.CreateAsync(host.Client, "example.com/resign-snapshot");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(host.Client));
        var resigner = host.Services.GetRequiredService<TimestampResigner>();

        // Walk a week forward a day at a time: timestamps every day, the snapshot once near its expiry.
        for (int day = 0; day < 7; day++)
        {
            time.Advance(TimeSpan.FromDays(1));
            Assert.Equal(1, await resigner.RunOnceAsync(CancellationToken.None));
            await CollectionVerifier.VerifyAsync(host.Client, c.Gun, c.SignedRoot(), time.GetUtcNow());
        }

        var state = await CollectionVerifier.VerifyAsync(host.Client, c.Gun, c.SignedRoot(), time.GetUtcNow());
        Assert.Equal(8, state.TimestampVersion);
        Assert.Equal(2, state.SnapshotVersion);
    }

    [SkippableFact]
    public async Task RunOnceAsync_TwoReplicasOnOnePostgres_ResignExactlyOnce()
    {
        var cs = PostgresCluster.CreateDatabase();
        Skip.If(cs is null, "SKIPPED (PostgreSQL unavailable): " + PostgresCluster.UnavailableReason);

        var time = new FakeTimeProvider(s_start);
        using var a = ServerHost.Start(postgres: cs, time: time, settings: Settings);
        using var b = ServerHost.Start(postgres: cs, time: time, settings: Settings);
        using var c = await TestCollection.CreateAsync(a.Client, "example.com/replicas");
        await ServedState.AssertOkAsync(await c.PublishInitialAsync(b.Client));

        time.Advance(TimeSpan.FromHours(20));
        var results = await Task.WhenAll(
            a.Services.GetRequiredService<TimestampResigner>().RunOnceAsync(CancellationToken.None),
            b.Services.GetRequiredService<TimestampResigner>().RunOnceAsync(CancellationToken.None));

        Assert.Equal(1, results.Sum());
        var state = await CollectionVerifier.VerifyAsync(a.Client, c.Gun, c.SignedRoot(), time.GetUtcNow());
        Assert.Equal(2, state.TimestampVersion);
    }
}
