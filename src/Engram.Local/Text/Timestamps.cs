using System;
using System.Globalization;

namespace Engram.Local.Text
{
    /// <summary>RFC 3339 UTC with milliseconds and Z (wire spec §17 Q34); sorts correctly as text.</summary>
    internal static class Timestamps
    {
        public static string Format(DateTime utc) =>
            utc.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

        public static string Now() => Format(DateTime.UtcNow);
    }
}
