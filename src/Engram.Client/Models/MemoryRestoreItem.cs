using System;

namespace Engram.Client
{
    /// <summary>
    /// One memory of a restore: its text plus the id and creation time it had where it came from (the restore
    /// extension of the batch store, see <see cref="IEngramService.RestoreMemoriesAsync"/>).
    /// </summary>
    public sealed class MemoryRestoreItem
    {
        public MemoryRestoreItem(string content, string? id = null, string? createdAt = null)
        {
            Content = content ?? throw new ArgumentNullException(nameof(content));
            Id = string.IsNullOrEmpty(id) ? null : id;
            CreatedAt = string.IsNullOrEmpty(createdAt) ? null : createdAt;
        }

        public string Content { get; }

        /// <summary>The id to keep; null lets the server choose one.</summary>
        public string? Id { get; }

        /// <summary>ISO-8601 creation time to keep; null means now.</summary>
        public string? CreatedAt { get; }
    }
}
