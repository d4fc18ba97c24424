using Engram.Client;

namespace Engram.Local.Validation
{
    /// <summary>
    /// The protocol errors the engine raises. Each carries the HTTP status and machine code the local
    /// server answers with (wire spec §4.12, §17 Q28), so the server can map them without guessing.
    /// </summary>
    internal static class EngramErrors
    {
        public const string InvalidRequest = "INVALID_REQUEST";
        public const string BucketNotFound = "BUCKET_NOT_FOUND";
        public const string MemoryNotFound = "MEMORY_NOT_FOUND";
        public const string BucketExists = "BUCKET_EXISTS";
        public const string ProfilerNotInstalled = "BUCKET_PROFILER_NOT_INSTALLED";
        public const string ContentTooLarge = "CONTENT_TOO_LARGE";
        public const string EmbedderMismatch = "EMBEDDER_MISMATCH";

        public static EngramException Invalid(string message) => new EngramException(message, 400, null, InvalidRequest);

        public static EngramException NoSuchBucket() => new EngramException("Bucket not found", 404, null, BucketNotFound);

        public static EngramException NoSuchMemory() => new EngramException("Memory not found", 404, null, MemoryNotFound);

        public static EngramException DuplicateBucket() => new EngramException("Bucket already exists", 409, null, BucketExists);

        public static EngramException NoProfiler() =>
            new EngramException("Bucket profiler agent is not installed on this bucket", 412, null, ProfilerNotInstalled);

        public static EngramException TooLarge() => new EngramException("content too large", 413, null, ContentTooLarge);

        /// <summary>The database's vectors were made by another embedder (engine open, not a wire error).</summary>
        public static EngramException WrongEmbedder(string message) => new EngramException(message, 409, null, EmbedderMismatch);
    }
}
