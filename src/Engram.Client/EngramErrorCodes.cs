namespace Engram.Client
{
    /// <summary>
    /// The machine codes an Engram server sends beside the <c>error</c> message (wire spec §4.12, §17 Q28),
    /// as found in <see cref="EngramException.Code"/>. Part of the wire contract: one list for client and server.
    /// </summary>
    public static class EngramErrorCodes
    {
        public const string InvalidRequest = "INVALID_REQUEST";
        public const string Unauthorized = "UNAUTHORIZED";
        public const string NotFound = "NOT_FOUND";
        public const string BucketNotFound = "BUCKET_NOT_FOUND";
        public const string MemoryNotFound = "MEMORY_NOT_FOUND";
        public const string BucketExists = "BUCKET_EXISTS";
        public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
        public const string ContentTooLarge = "CONTENT_TOO_LARGE";
        public const string ByokNotConfigured = "BYOK_NOT_CONFIGURED";
        public const string ProfilerNotInstalled = "BUCKET_PROFILER_NOT_INSTALLED";
        public const string RateLimited = "RATE_LIMITED";
        public const string Internal = "INTERNAL";

        /// <summary>A local database whose vectors another embedder made (Engram Local only; run Update-EngramIndex).</summary>
        public const string EmbedderMismatch = "EMBEDDER_MISMATCH";
        /// <summary>421: the request named a host other than the loopback server's own (DNS-rebinding protection).</summary>
        public const string MisdirectedRequest = "MISDIRECTED_REQUEST";

        /// <summary>507: the server's disk is full; nothing was stored.</summary>
        public const string InsufficientStorage = "INSUFFICIENT_STORAGE";

        // Model-provider failures (BYOK). The protocol names none (wire spec §17 Q28 lists Engram's own); these
        // follow its UPPER_SNAKE form.

        /// <summary>The provider rejected the key (its 401/403).</summary>
        public const string ProviderUnauthorized = "PROVIDER_UNAUTHORIZED";

        /// <summary>The provider kept answering 429 after the retries its Retry-After allowed.</summary>
        public const string ProviderRateLimited = "PROVIDER_RATE_LIMITED";

        /// <summary>The provider did not answer (or stopped streaming) within the timeout.</summary>
        public const string ProviderTimeout = "PROVIDER_TIMEOUT";

        /// <summary>The provider failed (5xx), could not be reached, or refused the request (other 4xx).</summary>
        public const string ProviderFailed = "PROVIDER_ERROR";

        /// <summary>The model's JSON answer did not parse or did not match response_schema.</summary>
        public const string ProviderInvalidJson = "PROVIDER_INVALID_JSON";
    }
}
