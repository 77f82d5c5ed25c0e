using System.Runtime.InteropServices;

namespace Tuf.Signing;

/// <summary>
/// Which file a path named at a moment, and in what state: device, inode, size and modification and change times in
/// nanoseconds (Linux <c>statx</c>). The same identity later means the same inode, not written since (a write moves
/// the modification time; setting that back moves the change time, which no program can set): the check <c>git</c>,
/// <c>make</c> and <c>rsync</c> rely on, costing one system call instead of reading the file again.
/// </summary>
/// <param name="Device">The device number (major and minor combined).</param>
/// <param name="Inode">The inode number.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="ModifiedNanoseconds">The last modification time, nanoseconds since the Unix epoch.</param>
/// <param name="ChangedNanoseconds">The last status change time, nanoseconds since the Unix epoch.</param>
/// <param name="IsRegularFile">Whether it is a regular file.</param>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, long Size, long ModifiedNanoseconds, long ChangedNanoseconds, bool IsRegularFile)
{
    private const ushort TypeMask = 0xF000;
    private const ushort RegularFile = 0x8000;

    /// <summary>The modification time as UTC ticks (what the managed file APIs report).</summary>
    public long LastWriteTicks => DateTime.UnixEpoch.Ticks + (ModifiedNanoseconds / 100);

    /// <summary>Whether the content is unchanged: same inode and size, same modification time and change time.</summary>
    public bool IsUnchangedFrom(FileIdentity earlier) => this == earlier;

    /// <summary>Whether this is the same inode with the same size and modification time (the change time may differ, e.g. after a link).</summary>
    public bool IsSameContentAs(FileIdentity earlier) =>
        Device == earlier.Device && Inode == earlier.Inode && Size == earlier.Size && ModifiedNanoseconds == earlier.ModifiedNanoseconds;

    /// <summary>Reads the fields of a <c>struct statx</c> (the same layout on every Linux architecture; native byte order).</summary>
    internal static FileIdentity FromStatx(ReadOnlySpan<byte> statx)
    {
        ushort mode = MemoryMarshal.Read<ushort>(statx[28..]);
        ulong inode = MemoryMarshal.Read<ulong>(statx[32..]);
        long size = MemoryMarshal.Read<long>(statx[40..]);
        long ctime = Nanoseconds(statx[96..]);
        long mtime = Nanoseconds(statx[112..]);
        ulong device = ((ulong)MemoryMarshal.Read<uint>(statx[136..]) << 32) | MemoryMarshal.Read<uint>(statx[140..]);
        return new FileIdentity(device, inode, size, mtime, ctime, (mode & TypeMask) == RegularFile);
    }

    private static long Nanoseconds(ReadOnlySpan<byte> timestamp) =>
        (MemoryMarshal.Read<long>(timestamp) * 1_000_000_000L) + MemoryMarshal.Read<uint>(timestamp[8..]);
}
