namespace Engram.Client
{
    /// <summary>A bucket's canonical profile (wire spec §4.11).</summary>
    public sealed class ProfileResult
    {
        public const string StatusReady = "ready";
        public const string StatusPending = "pending";
        public const string StatusNotInstalled = "not_installed";

        /// <summary>Profile text; null when no snapshot exists yet.</summary>
        public string? Profile { get; set; }

        public string? BucketId { get; set; }

        /// <summary><c>ready</c>, <c>pending</c>, <c>not_installed</c>; null from older servers.</summary>
        public string? Status { get; set; }

        public string? UpdatedAt { get; set; }

        public int? NMemoriesAtGen { get; set; }

        public string? Source { get; set; }
    }
}
