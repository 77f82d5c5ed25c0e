using BenchmarkDotNet.Running;

namespace Tuf.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        // Workload generators for the whole-process benchmarks (bench/scripts/client-*.sh).
        if (args.Length > 0 && args[0] == "client-workload")
        {
            return ClientWorkloads.ClientWorkloadGenerator.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
