using System;
using System.Security;
using Engram.Providers;

namespace Engram.PowerShell.Session
{
    /// <summary>Turns the cmdlets' -Embedder* / -Provider* parameter values into <see cref="LocalEngineSettings"/>, checking them once.</summary>
    internal static class LocalEngineSettingsBuilder
    {
        public static LocalEngineSettings Build(
            EngramEmbedder embedder,
            string? embeddingModel,
            string? embeddingEndpoint,
            SecureString? embeddingKey,
            ProviderKind? provider = null,
            string? model = null,
            string? endpoint = null,
            SecureString? providerKey = null)
        {
            if (embedder != EngramEmbedder.OpenAI && (embeddingModel != null || embeddingEndpoint != null || embeddingKey != null))
            {
                throw new ArgumentException("-EmbeddingModel, -EmbeddingEndpoint and -EmbeddingKey apply to -Embedder OpenAI only.");
            }

            if (provider == null && (model != null || endpoint != null || providerKey != null))
            {
                throw new ArgumentException("-Model, -Endpoint and -ProviderKey need -Provider (OpenAI, Anthropic, Ollama, ...).");
            }

            return new LocalEngineSettings
            {
                Embedder = embedder,
                EmbeddingModel = embeddingModel,
                EmbeddingEndpoint = ToUri(embeddingEndpoint, "-EmbeddingEndpoint"),
                EmbeddingKey = Copy(embeddingKey),
                Provider = provider,
                Model = model,
                Endpoint = ToUri(endpoint, "-Endpoint"),
                ProviderKey = Copy(providerKey),
            };
        }

        private static Uri? ToUri(string? text, string parameter)
        {
            if (text == null)
            {
                return null;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException(parameter + " must be an absolute http:// or https:// URL, such as http://localhost:11434/v1.");
            }

            return uri;
        }

        /// <summary>A read-only copy, so the settings keep the key however the caller's SecureString changes.</summary>
        private static SecureString? Copy(SecureString? key)
        {
            if (key == null || key.Length == 0)
            {
                return null;
            }

            var copy = key.Copy();
            copy.MakeReadOnly();
            return copy;
        }
    }
}
