using System;
using System.Collections.Generic;

namespace Engram.Local.Dedup
{
    /// <summary>Compares content hashes (<see cref="DedupRule.ContentHash(string)"/>) by their bytes, so they can key a dictionary.</summary>
    internal sealed class ContentHashComparer : IEqualityComparer<byte[]>
    {
        public static readonly ContentHashComparer Instance = new ContentHashComparer();

        public bool Equals(byte[]? x, byte[]? y)
        {
            if (ReferenceEquals(x, y))
            {
                return true;
            }

            return x != null && y != null && x.AsSpan().SequenceEqual(y);
        }

        // A SHA-256 is uniformly distributed: its first four bytes are a good hash code.
        public int GetHashCode(byte[] obj) => obj.Length >= 4 ? BitConverter.ToInt32(obj, 0) : obj.Length;
    }
}
