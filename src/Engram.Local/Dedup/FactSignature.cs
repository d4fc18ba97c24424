using System;
using System.Runtime.CompilerServices;

namespace Engram.Local.Dedup
{
    /// <summary>
    /// 24 bytes per memory that let the near-duplicate search skip, without a dot product, every stored memory that
    /// <see cref="FactTokens.Agree"/> would refuse anyway: <see cref="MayAgree"/> is a necessary condition of Agree
    /// (never false when Agree is true), computed from the same chunks. <see cref="Digits"/> hashes the sequence of
    /// chunks with a digit (Agree wants them equal in order); <see cref="Names"/> and <see cref="Words"/> are 64-bit
    /// Bloom sets of the capitalised chunks and of all chunks, lower-cased (Agree wants every name of either text
    /// among the other's chunks). Template-like data ("order 1", "order 2", ...) has thousands of memories above the
    /// merge cosine and almost none that agree: the search then compares 24 bytes instead of 1 KiB of floats.
    /// </summary>
    internal readonly struct FactSignature
    {
        // FNV-1a 64.
        private const ulong Offset = 14695981039346656037UL;
        private const ulong Prime = 1099511628211UL;

        private FactSignature(ulong digits, ulong names, ulong words)
        {
            Digits = digits;
            Names = names;
            Words = words;
        }

        /// <summary>No signature (a row added without its text): <see cref="MayAgree"/> lets it through.</summary>
        public static FactSignature Unknown => default;

        /// <summary>Hash of the lower-cased digit chunks in order; never 0 for a computed signature (0 is <see cref="Unknown"/>).</summary>
        public ulong Digits { get; }

        public ulong Names { get; }

        public ulong Words { get; }

        public bool IsKnown => Digits != 0;

        /// <summary>The signature of <paramref name="text"/>, from the chunks <see cref="FactTokens"/> compares.</summary>
        [MethodImpl(HotPath.Optimized)]
        public static FactSignature Of(string text)
        {
            var digits = Offset;
            ulong names = 0, words = 0;
            var length = text.Length;
            var at = 0;
            while (at < length)
            {
                while (at < length && char.IsWhiteSpace(text[at]))
                {
                    at++;
                }

                var rawEnd = at;
                while (rawEnd < length && !char.IsWhiteSpace(text[rawEnd]))
                {
                    rawEnd++;
                }

                FactTokens.Trim(text, at, rawEnd, out var start, out var end);
                at = rawEnd;
                if (end <= start)
                {
                    continue;
                }

                var hash = LowerHash(text, start, end);
                var bit = 1UL << (int)(hash >> 58);
                words |= bit;
                if (FactTokens.HasDigit(text, start, end))
                {
                    // The chunk's hash, then a separator step, so ["1 2"] and ["12"] sequences differ.
                    digits = (digits ^ hash) * Prime;
                    digits = (digits ^ 0x1F) * Prime;
                }
                else if (char.IsUpper(text[start]))
                {
                    names |= bit;
                }
            }

            return new FactSignature(digits == 0 ? 1 : digits, names, words);
        }

        /// <summary>False only when <see cref="FactTokens.Agree"/> is certainly false for the two texts; true when either is <see cref="Unknown"/>.</summary>
        public static bool MayAgree(in FactSignature a, in FactSignature b) =>
            !a.IsKnown || !b.IsKnown
            || (a.Digits == b.Digits && (a.Names & ~b.Words) == 0 && (b.Names & ~a.Words) == 0);

        // Hash of text[start, end) lower-cased as string.ToLowerInvariant lowers it (ASCII fast path, exact otherwise).
        private static ulong LowerHash(string text, int start, int end)
        {
            var hash = Offset;
            for (var i = start; i < end; i++)
            {
                var c = text[i];
                if (c >= 0x80)
                {
                    return Hash(text.Substring(start, end - start).ToLowerInvariant());
                }

                if (c >= 'A' && c <= 'Z')
                {
                    c = (char)(c + 32);
                }

                hash = (hash ^ c) * Prime;
            }

            return Mix(hash);
        }

        private static ulong Hash(string lowered)
        {
            var hash = Offset;
            foreach (var c in lowered)
            {
                hash = (hash ^ c) * Prime;
            }

            return Mix(hash);
        }

        // FNV's high bits (the Bloom bit) are weak for short keys: a finaliser spreads them.
        private static ulong Mix(ulong h)
        {
            h ^= h >> 33;
            h *= 0xFF51AFD7ED558CCDUL;
            h ^= h >> 33;
            h *= 0xC4CEB9FE1A85EC53UL;
            h ^= h >> 33;
            return h;
        }
    }
}
