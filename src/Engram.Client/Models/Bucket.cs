namespace Engram.Client
{
    /// <summary>A named memory namespace (wire spec §4.1).</summary>
    public sealed class Bucket
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public string? Description { get; set; }

        public string? CreatedAt { get; set; }

        /// <summary>Absent in some create responses.</summary>
        public int? MemoryCount { get; set; }
    }
}
