using BenchmarkDotNet.Attributes;
using Tuf.Benchmarks.Workloads;

namespace Tuf.Benchmarks;

/// <summary>
/// Parse + canonicalize a 100,000-target targets.json (python-tuf layout), canonical JSON alone, and writing the
/// model back. Throughput = file size / mean time (sizes are printed at set-up).
/// </summary>
[MemoryDiagnoser]
public class ParseBenchmarks
{
    private byte[] _file = [];
    private Targets _model = new();

    /// <summary>sha256 only gives about the 13 MB; sha256+sha512 is the more common real layout.</summary>
    [Params(false, true)]
    public bool WithSha512 { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _file = TargetsWorkload.CreateFile(100_000, WithSha512);
        _model = MetadataParser.Parse<Targets>(_file, "targets.json").Signed;
        var signedBytes = MetadataWriter.ToCanonicalBytes(_model);
        Console.WriteLine($"// workload: sha512={WithSha512} file={_file.Length} bytes, canonical signed={signedBytes.Length} bytes");
    }

    [Benchmark(Description = "MetadataParser.Parse<Targets> (parse + canonicalize signed + model)")]
    public int ParseTargets() => MetadataParser.Parse<Targets>(_file, "targets.json").SignedBytes.Length;

    [Benchmark(Description = "CanonicalJson.Encode (whole file)")]
    public int CanonicalEncode() => CanonicalJson.Encode(_file).Length;

    [Benchmark(Description = "MetadataWriter.ToCanonicalBytes (model)")]
    public int WriteCanonical() => MetadataWriter.ToCanonicalBytes(_model).Length;
}
