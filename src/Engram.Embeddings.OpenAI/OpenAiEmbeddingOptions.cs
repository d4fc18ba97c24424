using System;

namespace Engram.Embeddings.OpenAI
{
    /// <summary>
    /// Which OpenAI-compatible embeddings endpoint to call, and how. The endpoint is the API's base address,
    /// the part before <c>/embeddings</c>: <c>https://api.openai.com/v1</c> (the default),
    /// <c>https://{resource}.openai.azure.com/openai/v1</c>, <c>http://localhost:11434/v1</c> (Ollama),
    /// <c>http://localhost:1234/v1</c> (LM Studio), <c>https://api.together.xyz/v1</c>,
    /// <c>https://api.fireworks.ai/inference/v1</c>.
    /// </summary>
    public sealed class OpenAiEmbeddingOptions
    {
        public static readonly Uri OpenAiEndpoint = new Uri("https://api.openai.com/v1");

        public Uri Endpoint { get; set; } = OpenAiEndpoint;

        /// <summary>The embedding model (or Azure deployment) name, e.g. text-embedding-3-small or nomic-embed-text.</summary>
        public string Model { get; set; } = "text-embedding-3-small";

        /// <summary>
        /// The vector length. Sent to the endpoint only when set (text-embedding-3 models shorten their vectors
        /// to it; other servers may reject the parameter). When not set it is known for OpenAI's own models and
        /// otherwise learnt from the first answer.
        /// </summary>
        public int? Dimensions { get; set; }

        /// <summary>The provider's name in messages and in the embedder identity; default: guessed from the endpoint.</summary>
        public string? ProviderName { get; set; }

        /// <summary>How long one request may take before it fails as a timeout.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

        /// <summary>How many times the SDK retries a 429, 5xx or network failure (with back-off, honouring Retry-After).</summary>
        public int MaxRetries { get; set; } = 2;

        /// <summary>Texts per request. OpenAI accepts up to 2,048 inputs and 300,000 tokens in one request.</summary>
        public int MaxBatchSize { get; set; } = 256;
    }
}
