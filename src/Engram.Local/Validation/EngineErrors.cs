using System.Globalization;
using Engram.Client;

namespace Engram.Local.Validation
{
    /// <summary>
    /// Every protocol error the engine and its loopback server raise. Each carries the HTTP status and the
    /// <see cref="EngramErrorCodes"/> code the server answers with (wire spec §4.12, §17 Q28), so one mapping
    /// turns any refusal into <c>{"error","code"}</c> without guessing.
    /// </summary>
    internal static class EngineErrors
    {
        public const string ContentTooLargeMessage = "content too large";

        public static EngramException Invalid(string message) => new EngramException(message, 400, null, EngramErrorCodes.InvalidRequest);

        public static EngramException NoSuchBucket() => new EngramException("Bucket not found", 404, null, EngramErrorCodes.BucketNotFound);

        public static EngramException NoSuchMemory() => new EngramException("Memory not found", 404, null, EngramErrorCodes.MemoryNotFound);

        public static EngramException DuplicateBucket() => new EngramException("Bucket already exists", 409, null, EngramErrorCodes.BucketExists);

        public static EngramException NoProfiler() =>
            new EngramException("Bucket profiler agent is not installed on this bucket", 412, null, EngramErrorCodes.ProfilerNotInstalled);

        public static EngramException TooLarge(string message = ContentTooLargeMessage) =>
            new EngramException(message, 413, null, EngramErrorCodes.ContentTooLarge);

        /// <summary>The database's vectors were made by another embedder (engine open, not a wire error).</summary>
        public static EngramException WrongEmbedder(string message) => new EngramException(message, 409, null, EngramErrorCodes.EmbedderMismatch);

        // The server's own refusals, raised before or around the engine's work.

        public static EngramException InvalidApiKey() => new EngramException("Invalid API key", 401, null, EngramErrorCodes.Unauthorized);

        public static EngramException NoSuchEndpoint() => new EngramException("Not found: no such endpoint", 404, null, EngramErrorCodes.NotFound);

        public static EngramException MethodNotAllowed(string method, string? allowed) =>
            new EngramException("Method " + method + " is not allowed here; use " + allowed, 405, null, EngramErrorCodes.MethodNotAllowed);

        public static EngramException ByokMissing() =>
            new EngramException("No model provider key configured", 412, null, EngramErrorCodes.ByokNotConfigured);

        public static EngramException BodyTooLarge(long maxBytes) =>
            TooLarge("Request body is larger than the server accepts (" + maxBytes.ToString(CultureInfo.InvariantCulture) + " bytes)");

        public static EngramException TooManyRequests() => new EngramException("Too many concurrent requests", 429, null, EngramErrorCodes.RateLimited);

        /// <summary>Details stay on the server; the client learns only that it was not its fault.</summary>
        public static EngramException Internal() => new EngramException("Internal server error", 500, null, EngramErrorCodes.Internal);

        public static EngramException MisdirectedHost() =>
            new EngramException("Host must be 127.0.0.1 or localhost: this server answers only requests addressed to itself", 421, null, EngramErrorCodes.MisdirectedRequest);

        /// <summary>The database's disk is full; SQLite rolled the write back, so nothing was stored.</summary>
        public static EngramException DiskFull() =>
            new EngramException("The disk holding the Engram database is full; nothing was stored. Free space on that disk, then retry.", 507, null, EngramErrorCodes.InsufficientStorage);

        public static EngramException ShuttingDown() => new EngramException("Server is shutting down", 503, null, EngramErrorCodes.Internal);
    }
}
