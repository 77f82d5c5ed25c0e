using System.Buffers;

namespace Tuf;

/// <summary>Non-throwing hex decoding of untrusted strings (either case).</summary>
internal static class Hex
{
    /// <summary>Decodes <paramref name="hex"/>; false for null, odd length or a non-hex character.</summary>
    public static bool TryDecode(string? hex, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (hex is null || (hex.Length & 1) != 0)
        {
            return false;
        }

        var buffer = new byte[hex.Length / 2];
        if (!TryDecode(hex, buffer))
        {
            return false;
        }

        bytes = buffer;
        return true;
    }

    /// <summary>Decodes <paramref name="hex"/> into exactly <c>hex.Length / 2</c> bytes of <paramref name="destination"/>.</summary>
    public static bool TryDecode(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if ((hex.Length & 1) != 0 || destination.Length < hex.Length / 2)
        {
            return false;
        }

        var status = Convert.FromHexString(hex, destination, out int consumed, out int written);
        return status == OperationStatus.Done && consumed == hex.Length && written == hex.Length / 2;
    }
}
