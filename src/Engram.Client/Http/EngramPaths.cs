using System;
using System.Globalization;

namespace Engram.Client.Http
{
    /// <summary>
    /// Request paths of the /v1 API (wire spec Appendix A). Names and ids are single path segments escaped
    /// with <see cref="Uri.EscapeDataString"/> (space → %20, '/' → %2F, '%' → %25; Appendix B.19).
    /// </summary>
    internal static class EngramPaths
    {
        public const string Buckets = "/v1/buckets";
        public const string Query = "/v1/query";

        public static string Segment(string value) => Uri.EscapeDataString(value);

        public static string Bucket(string bucket) => Buckets + "/" + Segment(bucket);

        public static string Memories(string bucket) => Bucket(bucket) + "/memories";

        /// <summary>Official clients always send both parameters, in this order (§3.6).</summary>
        public static string MemoryPage(string bucket, int limit, int offset) =>
            Memories(bucket) + "?limit=" + limit.ToString(CultureInfo.InvariantCulture) + "&offset=" + offset.ToString(CultureInfo.InvariantCulture);

        public static string MemoryCursorPage(string bucket, int limit, string cursor) =>
            Memories(bucket) + "?limit=" + limit.ToString(CultureInfo.InvariantCulture) + "&cursor=" + Uri.EscapeDataString(cursor);

        public static string Memory(string bucket, string memoryId) => Memories(bucket) + "/" + Segment(memoryId);

        public static string Profile(string bucket) => Bucket(bucket) + "/profile";

        public static string RegenerateProfile(string bucket) => Profile(bucket) + "/regenerate";
    }
}
