using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tuf;

/// <summary>
/// TAP 15 succinct hash-bin delegation: <c>2^BitLength</c> roles named <c>{NamePrefix}-{bin}</c> (bin in
/// lowercase hex, zero-padded), all sharing one key set and threshold. A target belongs to the bin given
/// by the first <see cref="BitLength"/> bits of the SHA-256 of its path.
/// </summary>
public sealed class SuccinctRoles : Role
{
    /// <summary>Number of hash bits that select a bin, 1 to 32.</summary>
    public int BitLength { get; set; }

    /// <summary>The prefix of every bin's role name.</summary>
    public required string NamePrefix { get; set; }

    /// <summary>The number of bins, <c>2^BitLength</c>.</summary>
    public long NumberOfBins => 1L << BitLength;

    private int SuffixLength => (NumberOfBins - 1).ToString("x", CultureInfo.InvariantCulture).Length;

    /// <summary>The name of the bin role responsible for <paramref name="targetPath"/>.</summary>
    /// <param name="targetPath">The target path.</param>
    /// <returns>The bin's role name.</returns>
    public string GetRoleForTarget(string targetPath)
    {
        ArgumentNullException.ThrowIfNull(targetPath);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(targetPath), hash);
        uint prefix = BinaryPrimitives.ReadUInt32BigEndian(hash);
        long bin = prefix >> (32 - BitLength);
        return BinName(bin);
    }

    /// <summary>All bin role names, in bin order.</summary>
    /// <returns>The names.</returns>
    public IEnumerable<string> GetRoles()
    {
        for (long i = 0; i < NumberOfBins; i++)
        {
            yield return BinName(i);
        }
    }

    /// <summary>Whether <paramref name="roleName"/> is one of the bins.</summary>
    /// <param name="roleName">A role name.</param>
    /// <returns><see langword="true"/> for a bin name of this delegation.</returns>
    public bool IsDelegatedRole(string roleName)
    {
        ArgumentNullException.ThrowIfNull(roleName);
        string prefix = NamePrefix + "-";
        if (!roleName.StartsWith(prefix, StringComparison.Ordinal) || roleName.Length != prefix.Length + SuffixLength)
        {
            return false;
        }

        var suffix = roleName.AsSpan(prefix.Length);
        foreach (char c in suffix)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return long.TryParse(suffix, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long bin) && bin < NumberOfBins;
    }

    private string BinName(long bin) =>
        NamePrefix + "-" + bin.ToString("x" + SuffixLength.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
