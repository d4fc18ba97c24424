using System;

namespace Engram.Embeddings.OpenAI
{
    /// <summary>What went wrong when calling an embeddings provider.</summary>
    public enum EmbeddingProviderFailure
    {
        /// <summary>The key was missing, wrong or not allowed (HTTP 401/403).</summary>
        Unauthorized,

        /// <summary>Too many requests or tokens (HTTP 429).</summary>
        RateLimited,

        /// <summary>The provider failed (HTTP 5xx).</summary>
        ServerError,

        /// <summary>No answer within the timeout.</summary>
        Timeout,

        /// <summary>The endpoint could not be reached (DNS, connection refused, TLS).</summary>
        Unreachable,

        /// <summary>The provider refused the request (HTTP 400/404/422: unknown model, input too long, ...).</summary>
        BadRequest,

        /// <summary>The answer was not an embeddings response the client understands.</summary>
        InvalidResponse,
    }

    /// <summary>
    /// An embeddings call failed. The message names the provider, the endpoint and what to do; it never
    /// contains the API key (nor does anything reachable from this exception: the SDK's exception, which
    /// quotes the provider's answer, is not kept as the inner exception).
    /// </summary>
    public sealed class EmbeddingProviderException : Exception
    {
        public EmbeddingProviderException(string message, string provider, Uri endpoint, EmbeddingProviderFailure failure, int? statusCode = null, TimeSpan? retryAfter = null)
            : base(message)
        {
            Provider = provider;
            Endpoint = endpoint;
            Failure = failure;
            StatusCode = statusCode;
            RetryAfter = retryAfter;
        }

        public string Provider { get; }

        public Uri Endpoint { get; }

        public EmbeddingProviderFailure Failure { get; }

        /// <summary>The HTTP status, when the provider answered.</summary>
        public int? StatusCode { get; }

        /// <summary>How long the provider asked to wait (Retry-After), for <see cref="EmbeddingProviderFailure.RateLimited"/>.</summary>
        public TimeSpan? RetryAfter { get; }
    }
}
