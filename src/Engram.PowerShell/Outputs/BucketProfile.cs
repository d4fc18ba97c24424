using System;
using Engram.Client;
using Engram.PowerShell.Conversion;

namespace Engram.PowerShell
{
    /// <summary>A bucket's canonical profile (Get-EngramProfile, Update-EngramProfile).</summary>
    public sealed class BucketProfile
    {
        internal BucketProfile(string bucket, ProfileResult result)
        {
            Bucket = bucket;
            Status = result.Status;
            Profile = WireValues.ToTextOrObject(result.Profile);
            UpdatedAt = WireValues.ToTime(result.UpdatedAt);
            MemoriesAtGeneration = result.NMemoriesAtGen;
            Source = result.Source;
            BucketId = result.BucketId;
        }

        public string Bucket { get; }

        /// <summary><c>ready</c>, <c>pending</c> or <c>not_installed</c>; empty from older servers.</summary>
        public string? Status { get; }

        /// <summary>
        /// The profile: text, or PowerShell objects when the service's profile is JSON text (as the hosted
        /// profiler writes it); empty when no snapshot exists yet.
        /// </summary>
        public object? Profile { get; }

        public DateTimeOffset? UpdatedAt { get; }

        /// <summary>How many memories the bucket held when the snapshot was made.</summary>
        public int? MemoriesAtGeneration { get; }

        public string? Source { get; }

        public string? BucketId { get; }

        public override string ToString() => Profile?.ToString() ?? "";
    }
}
