namespace Tuf.Signing;

/// <summary>
/// Argon2id cost parameters for new key files. The defaults are libsodium's "interactive" limits; each key file
/// records the limits it was written with, so reading never depends on these values.
/// </summary>
/// <param name="OpsLimit">Argon2id passes (<c>opslimit</c>).</param>
/// <param name="MemLimit">Argon2id memory in bytes (<c>memlimit</c>).</param>
internal sealed record KdfLimits(ulong OpsLimit, ulong MemLimit)
{
    /// <summary>libsodium's interactive limits (2 passes, 64 MiB): about a tenth of a second per key.</summary>
    public static KdfLimits Interactive { get; } = new(2, 64UL * 1024 * 1024);

    /// <summary>The smallest limits Argon2id accepts (1 pass, 8 KiB); for tests only.</summary>
    public static KdfLimits Minimum { get; } = new(1, 8192);

    /// <summary>The limits new key files get unless a caller passes others (tests lower this).</summary>
    public static KdfLimits Default { get; set; } = Interactive;

    /// <summary>The largest limits accepted when reading a key file, so a crafted file cannot exhaust memory or time.</summary>
    public static KdfLimits ReadMaximum { get; } = new(16, 1UL << 30);
}
