using System.Globalization;
using Engram.Client;
using Engram.Local.Validation;

namespace Engram.Local.Listing
{
    /// <summary>
    /// A position in a cursor listing (the list endpoint's cursor extension), as its opaque token:
    /// <c>n{before}</c> newest first below a seq, <c>o{after}-{max}</c> oldest first up to the bucket's highest
    /// seq when the listing started. Seq is the rowid, so the position survives any insert or delete.
    /// </summary>
    internal sealed class ListCursor
    {
        private ListCursor(bool oldestFirst, long fromSeq, long maxSeq)
        {
            OldestFirst = oldestFirst;
            FromSeq = fromSeq;
            MaxSeq = maxSeq;
        }

        public bool OldestFirst { get; }

        /// <summary>Newest first: seqs below it; oldest first: seqs above it.</summary>
        public long FromSeq { get; }

        /// <summary>Oldest first only: the snapshot's upper bound, or -1 when the listing has just started.</summary>
        public long MaxSeq { get; }

        public static ListCursor Parse(string? token)
        {
            token = (token ?? "").Trim();
            if (token.Length == 0 || token == MemoryCursors.NewestFirst)
            {
                return new ListCursor(false, long.MaxValue, -1);
            }

            if (token == MemoryCursors.OldestFirst)
            {
                return new ListCursor(true, 0, -1);
            }

            if (token[0] == 'n' && TryLong(token.Substring(1), out var before))
            {
                return new ListCursor(false, before, -1);
            }

            var dash = token.IndexOf('-');
            if (token[0] == 'o' && dash > 1 && TryLong(token.Substring(1, dash - 1), out var after) && TryLong(token.Substring(dash + 1), out var max))
            {
                return new ListCursor(true, after, max);
            }

            throw EngineErrors.Invalid("cursor is not a cursor this server issued");
        }

        public static string NewestBefore(long seq) => "n" + seq.ToString(CultureInfo.InvariantCulture);

        public static string OldestAfter(long seq, long maxSeq) =>
            "o" + seq.ToString(CultureInfo.InvariantCulture) + "-" + maxSeq.ToString(CultureInfo.InvariantCulture);

        private static bool TryLong(string text, out long value) =>
            long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
