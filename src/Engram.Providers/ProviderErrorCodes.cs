namespace Engram.Providers
{
    /// <summary>
    /// Machine codes of model-provider failures, sent beside the <c>error</c> message. The protocol names
    /// none (wire spec §17 Q28 lists Engram's own); these follow its UPPER_SNAKE form.
    /// </summary>
    public static class ProviderErrorCodes
    {
        /// <summary>The provider rejected the key (its 401/403).</summary>
        public const string Unauthorized = "PROVIDER_UNAUTHORIZED";

        /// <summary>The provider kept answering 429 after the retries its Retry-After allowed.</summary>
        public const string RateLimited = "PROVIDER_RATE_LIMITED";

        /// <summary>The provider did not answer (or stopped streaming) within the timeout.</summary>
        public const string Timeout = "PROVIDER_TIMEOUT";

        /// <summary>The provider failed (5xx), could not be reached, or refused the request (other 4xx).</summary>
        public const string Failed = "PROVIDER_ERROR";

        /// <summary>The model's JSON answer did not parse or did not match response_schema.</summary>
        public const string InvalidJson = "PROVIDER_INVALID_JSON";

        /// <summary>A provider was asked for but no key was found (wire spec §4.12 "No model provider key configured").</summary>
        public const string ByokNotConfigured = "BYOK_NOT_CONFIGURED";
    }
}
