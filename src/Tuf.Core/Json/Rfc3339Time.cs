using System.Globalization;

namespace Tuf;

/// <summary>
/// The <c>expires</c> format: the spec form <c>YYYY-MM-DDTHH:MM:SSZ</c> and the RFC 3339 variants real repositories
/// write (1 to 9 fractional digits, numeric offsets such as <c>-06:00</c>). Results are instants in UTC.
/// </summary>
internal static class Rfc3339Time
{
    /// <summary>Parses <paramref name="text"/>; fractional digits beyond 100 ns are truncated.</summary>
    public static bool TryParse(string text, out DateTimeOffset value)
    {
        value = default;
        var s = text.AsSpan();

        // YYYY-MM-DDTHH:MM:SS is 19 characters; then an optional fraction and the zone.
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!TryDigits(s[..4], out int year) || !TryDigits(s.Slice(5, 2), out int month) || !TryDigits(s.Slice(8, 2), out int day)
            || !TryDigits(s.Slice(11, 2), out int hour) || !TryDigits(s.Slice(14, 2), out int minute) || !TryDigits(s.Slice(17, 2), out int second))
        {
            return false;
        }

        int i = 19;
        long fractionTicks = 0;
        if (s[i] == '.')
        {
            i++;
            int digits = 0;
            long scale = TimeSpan.TicksPerSecond;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                digits++;
                scale /= 10;
                fractionTicks += (s[i] - '0') * scale;
                i++;
            }

            if (digits is 0 or > 9)
            {
                return false;
            }
        }

        TimeSpan offset;
        var zone = s[i..];
        if (zone is "Z")
        {
            offset = TimeSpan.Zero;
        }
        else if (zone.Length == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':'
            && TryDigits(zone.Slice(1, 2), out int offHours) && TryDigits(zone.Slice(4, 2), out int offMinutes)
            && offHours <= 23 && offMinutes <= 59)
        {
            offset = new TimeSpan(offHours, offMinutes, 0);
            if (zone[0] == '-')
            {
                offset = -offset;
            }
        }
        else
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).Ticks + fractionTicks - offset.Ticks;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        value = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary>The spec form <c>YYYY-MM-DDTHH:MM:SSZ</c> in UTC (sub-second precision is dropped, as python-tuf does).</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    private static bool TryDigits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (char c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
