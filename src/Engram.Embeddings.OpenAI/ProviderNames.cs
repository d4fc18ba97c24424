using System;

namespace Engram.Embeddings.OpenAI
{
    /// <summary>Names the provider behind an endpoint, for messages and the embedder identity.</summary>
    internal static class ProviderNames
    {
        public static string FromEndpoint(Uri endpoint)
        {
            var host = endpoint.Host.ToLowerInvariant();
            if (host == "api.openai.com")
            {
                return "openai";
            }

            if (IsAzure(endpoint))
            {
                return "azure-openai";
            }

            if (host.EndsWith("together.xyz", StringComparison.Ordinal) || host.EndsWith("together.ai", StringComparison.Ordinal))
            {
                return "together";
            }

            if (host.EndsWith("fireworks.ai", StringComparison.Ordinal))
            {
                return "fireworks";
            }

            if (endpoint.IsLoopback && endpoint.Port == 11434)
            {
                return "ollama";
            }

            if (endpoint.IsLoopback && endpoint.Port == 1234)
            {
                return "lmstudio";
            }

            return "openai-compatible@" + endpoint.Authority.ToLowerInvariant();
        }

        public static bool IsAzure(Uri endpoint)
        {
            var host = endpoint.Host.ToLowerInvariant();
            return host.EndsWith(".openai.azure.com", StringComparison.Ordinal)
                || host.EndsWith(".services.ai.azure.com", StringComparison.Ordinal)
                || host.EndsWith(".cognitiveservices.azure.com", StringComparison.Ordinal);
        }

        /// <summary>Vector lengths of OpenAI's own embedding models, so the identity is known before the first call.</summary>
        public static int? KnownDimensions(string model)
        {
            switch (model)
            {
                case "text-embedding-3-small": return 1536;
                case "text-embedding-3-large": return 3072;
                case "text-embedding-ada-002": return 1536;
                default: return null;
            }
        }
    }
}
