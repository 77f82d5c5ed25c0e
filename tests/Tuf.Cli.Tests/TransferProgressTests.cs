using Tuf.Cli.Output;

namespace Tuf.Cli.Tests;

public sealed class TransferProgressTests
{
    private sealed class ManualClock : TimeProvider
    {
        public long Ticks { get; set; }

        public override long GetTimestamp() => Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    [Fact]
    public void ShortTransfer_PrintsNothing_LongOne_ShowsBytesTotalAndRate_ThenANewline()
    {
        var clock = new ManualClock();
        var output = new StringWriter();
        var progress = new TransferProgress("downloading app.bin", 4L << 20, output, clock);
        using (var stream = new ProgressStream(new MemoryStream(new byte[4 << 20]), progress))
        {
            var buffer = new byte[1 << 20];
            stream.ReadExactly(buffer);
            Assert.Equal("", output.ToString()); // under a second: nothing

            clock.Ticks = TimeSpan.FromSeconds(2).Ticks;
            stream.ReadExactly(buffer);
            Assert.Equal("\rdownloading app.bin: 2.0 MiB / 4.0 MiB  1.0 MiB/s\u001b[K", output.ToString());

            clock.Ticks = TimeSpan.FromSeconds(2.05).Ticks; // redrawn at most every 100 ms
            stream.ReadExactly(buffer);
            Assert.DoesNotContain("3.0 MiB", output.ToString());
            clock.Ticks = TimeSpan.FromSeconds(4).Ticks;
            stream.ReadExactly(buffer);
        }

        Assert.EndsWith("\rdownloading app.bin: 4.0 MiB / 4.0 MiB  1.0 MiB/s\u001b[K" + Environment.NewLine, output.ToString());
    }

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(5L << 30, "5.0 GiB")]
    public void Bytes_Readable(long n, string expected) => Assert.Equal(expected, TransferProgress.Bytes(n));
}
