using System;
using System.Security.Cryptography;
using System.Text;

namespace Engram.Local.Ingest
{
    /// <summary>
    /// What a restored memory keeps from where it came from (the restore extension): its id, when the bucket
    /// may take it, and its creation time in the engine's form. Null fields mean "as for a new memory".
    /// </summary>
    internal sealed class RestoreIdentity
    {
        public RestoreIdentity(string? id, string? createdAt)
        {
            Id = id;
            CreatedAt = createdAt;
        }

        public string? Id { get; }

        public string? CreatedAt { get; }

        /// <summary>
        /// The id a copy gets when another bucket already holds the original id (ids are unique engine-wide):
        /// derived from the target bucket and the original id, so importing the same file into that bucket
        /// again finds the copy and stores nothing twice.
        /// </summary>
        public static string CopyId(string bucketId, string originalId)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(bucketId + "\n" + originalId));
            var bytes = new byte[16];
            Array.Copy(hash, bytes, 16);
            bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50); // version 5 style (name-based), variant RFC 4122
            bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
            return new Guid(bytes).ToString();
        }
    }
}
