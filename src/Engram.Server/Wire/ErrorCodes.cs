namespace Engram.Server.Wire
{
    /// <summary>Machine codes sent beside the <c>error</c> message (wire spec §4.12, §17 Q28).</summary>
    internal static class ErrorCodes
    {
        public const string InvalidRequest = "INVALID_REQUEST";
        public const string Unauthorized = "UNAUTHORIZED";
        public const string NotFound = "NOT_FOUND";
        public const string BucketNotFound = "BUCKET_NOT_FOUND";
        public const string MemoryNotFound = "MEMORY_NOT_FOUND";
        public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
        public const string ContentTooLarge = "CONTENT_TOO_LARGE";
        public const string ByokNotConfigured = "BYOK_NOT_CONFIGURED";
        public const string RateLimited = "RATE_LIMITED";
        public const string Internal = "INTERNAL";
    }
}
